namespace confine { int launch_placeholder; }
