"""The DEMO platform: a simulated live-commerce audience for rehearsal and testing.

Everything it produces is fiction and labelled DEMO; nothing is sent to a real platform.
"""

from console.providers.registry import PlatformSpec, register

from .audience import Audience
from .provider import PRESETS, DemoConfig, DemoProvider


def _make(ctx):
    rate = ctx.setting("rate", PRESETS["normal"])
    return DemoProvider(DemoConfig(rate=rate, seed=ctx.setting("seed")), clock=ctx.clock, ctx=ctx)


register(PlatformSpec("demo", "DEMO 演示观众 (simulated audience)", _make, is_demo=True,
                      settings=("rate", "seed")))

__all__ = ["Audience", "DemoConfig", "DemoProvider", "PRESETS"]
