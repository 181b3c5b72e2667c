"""Program frames out of the console: each output (push, virtual camera, …) is one module that
registers itself in `registry`; the app finds them there and feeds them the program frames."""
