"""shtest — what the Python tests share (tests/README.md, "How to add a test").

session: one line a check (Checks), waiting for a state (wait_until),
    deadlines scaled by SH_TEST_TIME_FACTOR, stopping a process, free ports,
    the fake notification server and the fake tray watcher;
sandbox: the standalone emulator (start_sandbox, app_env, control);
atspi: the real window over AT-SPI (wait_for, walk, find_app, click, the
    keyboard focus) and an AT-SPI test's main();
sandbox_window: `socialhub --sandbox` with its sample channels added, and a
    Session on its window (sandbox_with_samples, check_now, keyring_items);
fake_notifications.py: an org.freedesktop.Notifications that records (a
    script, run by session.start_fake_notifications);
fake_status_notifier_watcher.py: an org.kde.StatusNotifierWatcher that also
    reads its items as a panel does (session.start_fake_status_notifier_watcher);
fake_portal.py: an org.freedesktop.portal.Desktop with the Background
    portal that records and answers as told (a script);
fake_service.py: what both fakes share (serve: export, own the name, say
    "ready", run until SIGTERM).
meson puts tests/lib on PYTHONPATH for every test.
"""
