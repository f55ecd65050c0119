"""The password pool: at most `workers` checks at once and `queue` waiting; beyond that, refused without running."""

import threading

import pytest

from dashboard.domain.auth.password_pool import BUSY, PasswordCheckPool, ServiceBusy


def test_beyond_the_queue_an_attempt_is_refused_without_running_and_accepted_again_later() -> None:
    pool = PasswordCheckPool(workers=1, queue=2)
    release, ran = threading.Event(), []

    def check(n: int) -> int:
        release.wait(5)
        ran.append(n)
        return n

    futures = [pool.submit(check, n) for n in range(3)]  # one running, two waiting
    with pytest.raises(ServiceBusy) as refused:
        pool.submit(check, 99)
    assert str(refused.value) == BUSY

    release.set()
    assert [future.result(timeout=5) for future in futures] == [0, 1, 2]
    assert pool.submit(check, 4).result(timeout=5) == 4
    assert 99 not in ran
    pool.shutdown()


def test_checks_run_one_at_a_time_on_a_single_worker() -> None:
    pool = PasswordCheckPool(workers=1, queue=5)
    running, most = [0], [0]
    lock = threading.Lock()

    def check() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1

    for future in [pool.submit(check) for _ in range(5)]:
        future.result(timeout=5)
    assert most[0] == 1
    pool.shutdown()
