"""The DEMO platform: a simulated live-commerce audience for rehearsal and testing.

Everything it produces is fiction and labelled DEMO; nothing is sent to a real platform.
"""

from .audience import Audience
from .provider import PRESETS, DemoConfig, DemoProvider

__all__ = ["Audience", "DemoConfig", "DemoProvider", "PRESETS"]
