"""Overlapping, crashing, re-run rotations against the emulator: a hypothesis state machine.

Several rotation runs of the same keys are driven step by step in any interleaving: each
step performs one effect of ``rotation_flow`` with the sync driver's performer over real
HTTP. A run may crash between any two steps (it is dropped: nothing cleans up), be
re-run (with a fresh run id, or as a restarted job with its old one), and time may jump
(a crashed run's claim runs out). A real process running ``rotate_api_keys`` (forked from
a launcher process that imported the SDK once) is SIGKILLed at a chosen log line. After
every step the four invariants of docs/Workflows.md ("What holds when runs overlap") are
checked against what the emulator holds and what was handed over; at the end every run is
finished and the last invariant checked.

Runs see a virtual clock (real time plus the jumps) for their claims and waits; the
subprocess sees real time, which is never ahead of the virtual one, so it only ever takes
another run's claim for longer than it is. Size: ``ROTATION_STATEFUL=large`` in the
environment runs many more and longer examples than the default.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Callable, Dict, List, Optional, Set

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from property_budget import examples
from workflow_helpers import LONG_AGO

import openapi_client
from openapi_client import ApiClient, IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import KeyHandover, LeaseOptions, Outcome, RotationError, UsabilityOptions
from openapi_client.workflows.rotation import (
    CreateKey,
    DeleteKey,
    Describe,
    Effect,
    MarkerState,
    Pause,
    RotationFlow,
    RotationRequest,
    RotationResult,
    marker_run,
    new_run_id,
    read_lease,
    read_marker,
    rotation_flow,
)
from openapi_client.workflows.sync import EffectPerformer

LARGE = os.environ.get("ROTATION_STATEFUL") == "large"
FAMILIES = ("alpha", "beta")
OWNER = "sa-overlap"
MAX_STALE_READS = 2  # the emulator's reads lag writes by up to this many reads (a rule sets 0 to 2)
LEASE = LeaseOptions(
    duration=60.0, clock_skew=1.0, read_lag=0.0, write_window=2.0, step_margin=5.0, fresh_reads=MAX_STALE_READS + 1
)
# The process runs alone (the stepped runs wait), in real time: a short settle is enough.
SUBPROCESS_LEASE = (
    "LeaseOptions(duration=60.0, clock_skew=1.0, read_lag=0.0, write_window=0.2, step_margin=5.0,"
    f" fresh_reads={MAX_STALE_READS + 1})"
)
NO_PROBE = UsabilityOptions(enabled=False)
WRITES = (CreateKey, DeleteKey, Describe)  # the effects that change what the service holds
STOPS = (None, "ReadKey", "Describe", "Pause", "FindReplacements", "CreateKey", "WaitUsable", "HandOver", "DeleteKey")

# A launcher process imports the SDK once; each batch process is forked from it (single
# threaded, so forking is safe), which spares every kill the interpreter's start-up. Each
# child says its pid first; the launcher says when it ended (finished or SIGKILLed).
LAUNCHER = f"""
import logging, os, sys, time, traceback
import openapi_client.models
from openapi_client import ApiClient, Configuration
from openapi_client.configuration import API_KEY_ENV, API_SECRET_ENV
from openapi_client.workflows import KeySelection, LeaseOptions, UsabilityOptions, rotate_api_keys

for name in openapi_client.models.__all__:  # build every model once, before forking
    getattr(openapi_client.models, name)

class StopAt(logging.Handler):
    seen = 0
    stop_at = 0
    def emit(self, record):
        StopAt.seen += 1
        if StopAt.seen == StopAt.stop_at:
            print("STOPPED", flush=True)
            time.sleep(600)

def handover(details):
    print("HANDOVER", details.old_key_id, details.new_key_id, flush=True)

def batch(host, run_id, stop_at, api_key, api_secret):
    os.environ[API_KEY_ENV], os.environ[API_SECRET_ENV] = api_key, api_secret
    StopAt.stop_at = stop_at
    log = logging.getLogger("openapi_client.workflows")
    log.setLevel(logging.INFO)
    log.addHandler(StopAt())
    with ApiClient(Configuration(host=host)) as client:
        rotate_api_keys(
            client, KeySelection(owner="{OWNER}"), handover=handover, max_workers=1, run_id=run_id,
            usability=UsabilityOptions(enabled=False), lease={SUBPROCESS_LEASE},
        )
    print("DONE", flush=True)

print("READY", flush=True)
for line in sys.stdin:
    host, run_id, stop_at, api_key, api_secret = line.split()
    pid = os.fork()
    if pid == 0:
        try:
            print("PID", os.getpid(), flush=True)  # before any line it may be killed at
            batch(host, run_id, int(stop_at), api_key, api_secret)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            os._exit(0)
    os.waitpid(pid, 0)
    print("EXITED", flush=True)
"""


class Launcher:
    """The launcher process of this test process (started on first use, ended at exit), in
    a process group of its own that its children share."""

    process: Optional[subprocess.Popen[str]] = None

    @classmethod
    def get(cls) -> subprocess.Popen[str]:
        if cls.process is None or cls.process.poll() is not None:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
            assert process.stdout is not None and process.stdout.readline().strip() == "READY"
            if cls.process is None:
                atexit.register(cls.close)  # one launcher for all the tests this process runs
            cls.process = process
        return cls.process

    @classmethod
    def kill(cls) -> None:
        """End the launcher and any process it started, at once."""
        process = cls.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    @classmethod
    def close(cls) -> None:
        process, cls.process = cls.process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()  # the launcher's loop ends
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()


class ModelClock:
    """Real time plus the jumps the machine makes (never behind real time)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def wall(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


class Run:
    """One stepped rotation run: its flow, and the answer its last effect got."""

    def __init__(self, run_id: str, family: str, old_key_id: str, flow: RotationFlow) -> None:
        self.run_id = run_id
        self.family = family
        self.old_key_id = old_key_id
        self.flow = flow
        self.started = False
        self.answer: object = None
        self.error: Optional[Exception] = None
        self.ready_at = 0.0
        self.created: Optional[str] = None
        self.result: Optional[RotationResult] = None
        self.failure: Optional[RotationError] = None


class OverlappingRotations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.cloud = FakeConfluentCloud().start()
        self.client = ApiClient(self.cloud.configuration())
        self.admin = IamApiKeysApi(self.client)
        self.clock = ModelClock()
        self.family_of: Dict[str, str] = {}
        self.vault: Dict[str, str] = {}  # family -> the key last handed over
        self.handed: Set[str] = set()  # every key whose secret went to someone (the seeded ones too)
        for family in FAMILIES:
            [key_id] = self.cloud.seed_api_keys(1, owner=OWNER, resource=None, created_at=LONG_AGO)
            self.family_of[key_id] = family
            self.vault[family] = key_id
            self.handed.add(key_id)
        self.active: List[Run] = []
        self.crashed: List[str] = []  # run ids of runs that died (stepped or killed)
        self.performer = EffectPerformer(self.client, self.receive, None, NO_PROBE)
        self.snapshot: Optional[Dict[str, openapi_client.IamV2ApiKeyListItem]] = None
        self.reads_may_lag = False  # until reads_lag first sets stale reads: each read is fresh
        self.subprocesses = 0

    # -- what the service holds ------------------------------------------------------------

    def live(self) -> Dict[str, openapi_client.IamV2ApiKeyListItem]:
        """What the service holds: the last of enough listings that no read lags any more
        (kept until the next write: reads change nothing a fresh listing shows)."""
        if self.snapshot is not None:
            return self.snapshot
        for _ in range(MAX_STALE_READS + 1 if self.reads_may_lag else 1):
            keys = {key.id: key for key in self.admin.iter_iam_v2_api_keys(page_size=100)}
        for key in sorted(keys.values(), key=lambda k: k.metadata.created_at or LONG_AGO):
            read = read_marker(key.spec.description)
            if key.id not in self.family_of and read is not None and read[0] in self.family_of:
                self.family_of[key.id] = self.family_of[read[0]]
        self.snapshot = keys
        return keys

    def target(self, family: str) -> Optional[str]:
        """The key a run rotating ``family`` takes: its live key that no live key replaces."""
        keys = self.live()
        heads = [
            key
            for key in keys.values()
            if self.family_of.get(key.id) == family
            and not ((read := read_marker(key.spec.description)) is not None and read[0] in keys)
        ]
        heads.sort(key=lambda k: k.metadata.created_at or LONG_AGO)
        return heads[0].id if heads else None

    def lease_holder(
        self, old_key_id: str, keys: Optional[Dict[str, openapi_client.IamV2ApiKeyListItem]] = None
    ) -> Optional[str]:
        """The run whose claim on ``old_key_id`` is live now (by the model's clock)."""
        key = (keys if keys is not None else self.live()).get(old_key_id)
        if key is None:
            return None
        lease = read_lease(key.spec.description)
        if lease is None or lease.until is None or self.clock.wall() > lease.until:
            return None
        return lease.run_id

    def alive(self) -> Set[str]:
        return {run.run_id for run in self.active}

    # -- the handover ---------------------------------------------------------------------

    def receive(self, details: KeyHandover) -> None:
        # Invariant 3's other half: nobody hands a key over without a live claim on its old key.
        assert self.lease_holder(details.old_key_id) == details.run_id, details
        family = self.family_of.setdefault(details.new_key_id, self.family_of[details.old_key_id])
        self.vault[family] = details.new_key_id
        self.handed.add(details.new_key_id)

    # -- rules ---------------------------------------------------------------------------

    @rule(family=st.sampled_from(FAMILIES), restart=st.booleans(), later=st.booleans())
    def start_run(self, family: str, restart: bool = False, later: bool = False) -> None:
        """A run of ``family`` starts (``restart``: as a restarted job, with the id of a run
        that died; ``later``: once every claim made so far has run out)."""
        if len(self.active) >= 3:
            return
        if later:
            self.time_passes(LEASE.duration + LEASE.clock_skew + 1)
        old_key_id = self.target(family)
        if old_key_id is None:
            return
        reusable = [run_id for run_id in self.crashed if run_id not in self.alive()]
        run_id = reusable[-1] if restart and reusable else new_run_id()
        request = RotationRequest(old_key_id, run_id, LEASE, known_replacements=None, gone_is_ok=True)
        flow = rotation_flow(request, clock=self.clock)
        self.active.append(Run(run_id, family, old_key_id, flow))

    @rule(which=st.integers(0, 2), until=st.sampled_from(STOPS))
    def advance(self, which: int, until: Optional[str]) -> None:
        """Run ``which`` goes on until it has performed an effect of kind ``until`` (one
        effect for ``None``), or ends: a crash can then come right after any kind of step."""
        if not self.active:
            return
        run = self.active[which % len(self.active)]
        while run in self.active:
            performed = self.step(run)
            if until is None or performed == until:
                return

    def step(self, run: Run) -> Optional[str]:
        """One effect of ``run`` (its kind), or ``None`` when the run ended instead."""
        now = self.clock.monotonic()
        if run.ready_at > now:
            self.clock.offset += run.ready_at - now  # time passes for everyone
        try:
            if not run.started:
                run.started = True
                effect = next(run.flow)
            elif run.error is not None:
                error, run.error = run.error, None
                effect = run.flow.throw(error)
            else:
                effect = run.flow.send(run.answer)
        except StopIteration as finished:
            run.result = finished.value
            self.active.remove(run)
            return None
        except RotationError as failure:
            run.failure = failure
            self.active.remove(run)
            return None
        self.perform(run, effect)
        return type(effect).__name__

    def perform(self, run: Run, effect: Effect) -> None:
        run.answer, run.error = None, None
        if isinstance(effect, Pause):
            run.ready_at = self.clock.monotonic() + effect.seconds
            return
        if isinstance(effect, CreateKey):
            # Invariant 2: only the run holding the live claim creates; so two runs never
            # both make a replacement of one key.
            assert self.lease_holder(run.old_key_id) == run.run_id, f"{run.run_id} creates without the claim"
        if isinstance(effect, DeleteKey):
            self.check_delete(run, effect.key_id)
        writes = isinstance(effect, WRITES)
        if writes:
            self.snapshot = None
        try:
            run.answer = self.performer.perform(effect)
        except Exception as exc:
            run.error = exc
        if writes:
            self.snapshot = None
        if isinstance(effect, CreateKey) and run.error is None:
            run.created = getattr(run.answer, "id", None)
        if isinstance(run.error, AssertionError):  # an invariant checked inside the handover
            raise run.error

    def check_delete(self, run: Run, key_id: str) -> None:
        """Invariant 3: never delete a key another live run may still hand over. A run
        deletes only under its live claim, or its own replacement that it never handed over."""
        keys = self.live()
        if key_id != run.created:
            holder = self.lease_holder(run.old_key_id, keys)
            assert holder == run.run_id, f"{run.run_id} deletes {key_id} without the claim"
        key = keys.get(key_id)
        if key is None:
            return
        maker = marker_run(key.spec.description)
        read = read_marker(key.spec.description)
        if maker is None or maker == run.run_id or read is None or maker not in self.alive():
            return
        assert self.lease_holder(read[0], keys) != maker, (
            f"{run.run_id} deletes {key_id}, which live run {maker} may hand over"
        )

    @rule(which=st.integers(0, 2))
    def crash(self, which: int) -> None:
        if not self.active:
            return
        run = self.active.pop(which % len(self.active))
        run.flow.close()  # GeneratorExit is no Exception: the flow cleans nothing up
        self.crashed.append(run.run_id)

    @rule(reads=st.integers(0, MAX_STALE_READS))
    def reads_lag(self, reads: int) -> None:
        """From now on, each write to a key is missed by the next ``reads`` reads of it."""
        self.cloud.stale_reads = reads
        self.reads_may_lag = self.reads_may_lag or reads > 0

    @rule(seconds=st.sampled_from([0.5, 3.0, 30.0, 65.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.offset += seconds

    @precondition(lambda self: self.subprocesses < (3 if LARGE else 1))  # deterministic: counts calls
    @rule(stop_at=st.integers(1, 30))
    def kill_a_batch_process(self, stop_at: int) -> None:
        """A real process running a batch rotation of every family, SIGKILLed at its
        ``stop_at``-th log line of the workflow (or let finish)."""
        self.subprocesses += 1
        run_id = new_run_id()
        launcher = Launcher.get()
        assert launcher.stdin is not None and launcher.stdout is not None
        launcher.stdin.write(f"{self.cloud.host} {run_id} {stop_at} {self.cloud.api_key} {self.cloud.api_secret}\n")
        launcher.stdin.flush()
        lines: List[List[str]] = []
        pid: Optional[int] = None
        ended = False
        watchdog = threading.Timer(60, Launcher.kill)  # a hung process fails the test, it does not hang it
        watchdog.start()
        try:
            for line in launcher.stdout:  # until the launcher saw the process end
                words = line.split()
                if words == ["EXITED"]:
                    ended = True
                    break
                if words[:1] == ["PID"]:
                    pid = int(words[1])
                elif words == ["STOPPED"]:  # it sleeps in its log handler until killed
                    assert pid is not None
                    os.kill(pid, signal.SIGKILL)
                elif words != ["DONE"]:
                    lines.append(words)
            else:
                raise AssertionError("the launcher process ended")
        finally:
            watchdog.cancel()
            if not ended:  # this test failed mid-way: no process of it may go on
                Launcher.kill()
                Launcher.close()
            self.snapshot = None
        self.crashed.append(run_id)
        for words in lines:
            if words and words[0] == "HANDOVER":
                _, old_key_id, new_key_id = words
                family = self.family_of.setdefault(new_key_id, self.family_of[old_key_id])
                self.vault[family] = new_key_id
                self.handed.add(new_key_id)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def the_key_last_handed_over_works(self) -> None:
        """1: the key last handed over keeps working until a successor is handed over."""
        keys = self.live()
        for family, key_id in self.vault.items():
            assert key_id in keys, f"{family}: {key_id}, the key last handed over, is gone"

    @invariant()
    def what_is_left_behind_is_bounded(self) -> None:
        """2, what remains between runs: per old key, at most two replacements marked
        pending (never handed over), and of those at most one by a run without the claim
        (dead: nobody holds its secret; the next run deletes it before creating)."""
        keys = self.live()
        for old_key_id in keys:
            pending = [
                key for key in keys.values() if read_marker(key.spec.description) == (old_key_id, MarkerState.PENDING)
            ]
            if not pending:
                continue
            holder = self.lease_holder(old_key_id, keys)
            orphans = [key.id for key in pending if marker_run(key.spec.description) != holder]
            assert len(pending) <= 2 and len(orphans) <= 1, (old_key_id, [k.id for k in pending], orphans)

    def assert_invariants(self) -> None:
        self.the_key_last_handed_over_works()
        self.what_is_left_behind_is_bounded()

    def finish(self, run: Run) -> None:
        while run in self.active:
            self.step(run)
            self.assert_invariants()

    def teardown(self) -> None:
        try:
            self.finish_everything()
        finally:
            self.client.close()
            self.cloud.stop()

    def finish_everything(self) -> None:
        """4: once the last run completes, no key survives whose secret nobody was handed."""
        for run in list(self.active):
            while run in self.active:
                self.step(run)
        self.clock.offset += LEASE.duration + LEASE.clock_skew + 1  # every dead run's claim runs out
        for family in FAMILIES:
            old_key_id = self.target(family)
            assert old_key_id is not None
            run_id = new_run_id()
            flow = rotation_flow(RotationRequest(old_key_id, run_id, LEASE), clock=self.clock)
            last = Run(run_id, family, old_key_id, flow)
            self.active.append(last)
            while last in self.active:
                self.step(last)
            assert last.result is not None and last.result.outcome in (Outcome.ROTATED, Outcome.RESUMED), (
                last.result,
                last.failure,
            )
        keys = self.live()
        unheld = set(keys) - self.handed
        assert not unheld, f"keys whose secret nobody was handed survive: {unheld}"
        assert set(keys) == set(self.vault.values())


OverlappingRotations.TestCase.settings = settings(
    max_examples=200 if LARGE else examples(12),
    stateful_step_count=60 if LARGE else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOverlappingRotations = OverlappingRotations.TestCase


def test_a_batch_process_left_to_finish_rotates_every_family() -> None:
    machine = OverlappingRotations()
    try:
        seeded = set(machine.live())
        machine.kill_a_batch_process(10_000)  # never reaches that log line: it finishes
        keys = machine.live()
        assert set(keys) == set(machine.vault.values()) and len(keys) == len(FAMILIES)
        assert not set(keys) & seeded  # every family was rotated, by that process
        assert machine.handed >= set(keys)
    finally:
        machine.client.close()
        machine.cloud.stop()


def _machine_test(body: Callable[[OverlappingRotations], None]) -> None:
    machine = OverlappingRotations()
    try:
        body(machine)
        machine.assert_invariants()
    finally:
        machine.teardown()  # finishes every run, then checks invariant 4


@pytest.mark.parametrize("restart", [False, True], ids=["fresh-run", "restarted-job"])
@pytest.mark.parametrize("crash_after", range(1, 15))
def test_a_run_crashed_after_any_step_is_finished_by_a_later_run(crash_after: int, restart: bool) -> None:
    def body(machine: OverlappingRotations) -> None:
        machine.start_run("alpha")
        first = machine.active[0]
        for _ in range(crash_after):
            if first not in machine.active:
                return  # it finished before that step: nothing to crash
            machine.step(first)
            machine.assert_invariants()
        if first not in machine.active:
            return
        machine.crash(0)
        machine.start_run("alpha", restart=restart)  # at once: the dead run's claim is still live
        again = machine.active[0]
        machine.finish(again)
        if not restart:
            assert again.result is not None and again.result.outcome in (Outcome.SKIPPED, Outcome.ROTATED, Outcome.GONE)
        machine.start_run("alpha", later=True)
        machine.finish(machine.active[0])

    _machine_test(body)


@pytest.mark.parametrize("stale_reads", [0, MAX_STALE_READS], ids=["fresh-reads", "lagging-reads"])
@pytest.mark.parametrize("second_starts_after", range(0, 14))
def test_two_runs_interleaved_at_any_step_leave_one_rotation(second_starts_after: int, stale_reads: int) -> None:
    def body(machine: OverlappingRotations) -> None:
        machine.reads_lag(stale_reads)
        machine.start_run("alpha")
        first = machine.active[0]
        for _ in range(second_starts_after):
            if first in machine.active:
                machine.step(first)
                machine.assert_invariants()
        machine.start_run("alpha")
        runs = list(machine.active)
        while machine.active:  # alternate one step each
            for run in runs:
                if run in machine.active:
                    machine.step(run)
                    machine.assert_invariants()
        rotated = [r for r in runs if r.result is not None and r.result.outcome is Outcome.ROTATED]
        assert len({r.old_key_id for r in rotated}) == len(rotated)  # one rotation per old key
        assert len(machine.handed) == len(FAMILIES) + len(rotated)  # each replacement handed over once

    _machine_test(body)


# The workflow's log lines of a batch of two keys, one worker: 1 the batch, then per key
# 2 look-up, 3 claim, 4 create, 5 created (wait), 6 handover, 7 mark, 8 delete, 9 done.
@pytest.mark.parametrize("stop_at", [3, 4, 5, 6, 7, 8])
def test_a_batch_process_killed_at_each_step_is_finished_by_a_later_run(stop_at: int) -> None:
    def body(machine: OverlappingRotations) -> None:
        machine.kill_a_batch_process(stop_at)
        machine.assert_invariants()
        machine.start_run("alpha")  # at once: the killed process's claim is still live
        machine.finish(machine.active[0])

    _machine_test(body)
