"""shtest — what the Python tests share (tests/README.md, "How to add a test").

atspi: waiting for states of the real window over AT-SPI; sandbox: the
standalone emulator and its faults; session: running the real binary;
fake_notifications: an org.freedesktop.Notifications that records.
meson puts tests/lib on PYTHONPATH for every test.
"""
