// Placeholder replaced by the launch-path implementation.
int main() { return 125; }
