# Runs inside the frozen app before any app code.
import os

# mediapipe's vision package imports matplotlib.pyplot; only the Agg backend is bundled, and
# naming it up front stops pyplot probing for GUI toolkits (and Qt bindings) at start-up.
os.environ.setdefault("MPLBACKEND", "Agg")
