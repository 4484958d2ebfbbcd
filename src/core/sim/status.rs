//! The statuses of goroutines, Ps and Ms, and [`Activity`], the one answer to "what is this P
//! or M doing", which the board, the plots, the timeline and the Perfetto export all read.
//!
//! Each status serializes (in `gmpsim run --format state`) and displays as one lower-case word:
//! `runnable`, `running`, `scheduling`, ... ([`GStatus::as_str`] and its siblings).

use crate::core::ids::GId;
use serde::Serialize;
use std::fmt;

/// A goroutine's status (`_Grunnable`, `_Grunning`, `_Gsyscall`, `_Gwaiting`, `_Gdead`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GStatus {
    /// In a run queue (or handed to its locked thread), waiting for an M: `runnable`.
    Runnable,
    /// Running on an M: `running`.
    Running,
    /// In a blocking syscall with its M: `syscall`.
    Syscall,
    /// Parked (channel, WaitGroup, sleep, network): `waiting`.
    Waiting,
    /// Returned: `dead`.
    Dead,
}

/// A P's status (`_Pidle`, `_Prunning`, `_Pgcstop`, `_Pdead`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PStatus {
    /// On the idle P list, or without an M: `idle`.
    Idle,
    /// Held by an M: `running`.
    Running,
    /// Stopped by a stop-the-world: `gcstop`.
    GcStop,
    /// Destroyed by a GOMAXPROCS decrease: `dead`.
    Dead,
}

/// An M's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MStatus {
    /// Parked on the idle M list (`stopm`): `idle`.
    Idle,
    /// Woken or created by `startm`; acquires `nextp` when its wake-up time comes: `waking`.
    Waking,
    /// Holds a P and no G: runs `schedule` at its wake-up time: `scheduling`.
    #[serde(rename = "scheduling")]
    Schedule,
    /// Runs its G's ops: `running`.
    #[serde(rename = "running")]
    Run,
    /// Blocked in a syscall with its G: `syscall`.
    Syscall,
    /// Blocked in `netpoll` without a P: `netpoll`.
    Netpoll,
    /// Locked to a G that cannot run (`stoplockedm`): `locked`.
    #[serde(rename = "locked")]
    LockedWait,
    /// Exited: `dead`.
    Dead,
    /// The sysmon thread: `sysmon`.
    Sysmon,
}

impl GStatus {
    /// The status in one word, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            GStatus::Runnable => "runnable",
            GStatus::Running => "running",
            GStatus::Syscall => "syscall",
            GStatus::Waiting => "waiting",
            GStatus::Dead => "dead",
        }
    }
}

impl PStatus {
    /// The status in one word, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            PStatus::Idle => "idle",
            PStatus::Running => "running",
            PStatus::GcStop => "gcstop",
            PStatus::Dead => "dead",
        }
    }
}

impl MStatus {
    /// The status in one word, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            MStatus::Idle => "idle",
            MStatus::Waking => "waking",
            MStatus::Schedule => "scheduling",
            MStatus::Run => "running",
            MStatus::Syscall => "syscall",
            MStatus::Netpoll => "netpoll",
            MStatus::LockedWait => "locked",
            MStatus::Dead => "dead",
            MStatus::Sysmon => "sysmon",
        }
    }
}

impl fmt::Display for GStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Display for PStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Display for MStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a P or an M is doing after a step: the one answer every view derives its picture from
/// (the board's thread list, the plots' thread counts, the P timeline, the Perfetto tracks and
/// the board's movement arrows).
///
/// An M's is [`Activity::of_m`]; a P's is [`Activity::of_p`], from its M's. A P's is only ever
/// `Idle`, `Scheduling`, `Spinning`, `Run`, `Syscall` or `Dead`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activity {
    /// An M parked on the idle list; a P with no M (or whose M is on its way to it).
    Idle,
    /// An M woken or created by `startm`, on its way to its P; `spinning` if it will look for
    /// work to steal when it gets there.
    Waking { spinning: bool },
    /// Running the scheduler (`schedule`/`findRunnable`) with a P, not spinning.
    Scheduling,
    /// Running the scheduler with a P, spinning: looking for work to steal.
    Spinning,
    /// Running goroutine G.
    Run(GId),
    /// Blocked in a syscall with goroutine G (for a P: still attached to that M).
    Syscall(GId),
    /// An M blocked in `netpoll`, without a P.
    Netpoll,
    /// An M locked to a goroutine that cannot run now (`stoplockedm`).
    Locked,
    /// The sysmon thread.
    Sysmon,
    /// An M that exited; a P destroyed by a GOMAXPROCS decrease.
    Dead,
}

impl Activity {
    /// What an M with this status, spinning flag and current goroutine is doing.
    ///
    /// An M running (or in a syscall) always has its goroutine (`Sim::check_invariants`);
    /// without one it is counted as scheduling.
    pub fn of_m(status: MStatus, spinning: bool, g: Option<GId>) -> Activity {
        match (status, g) {
            (MStatus::Idle, _) => Activity::Idle,
            (MStatus::Waking, _) => Activity::Waking { spinning },
            (MStatus::Run, Some(g)) => Activity::Run(g),
            (MStatus::Syscall, Some(g)) => Activity::Syscall(g),
            (MStatus::Schedule | MStatus::Run | MStatus::Syscall, _) if spinning => Activity::Spinning,
            (MStatus::Schedule | MStatus::Run | MStatus::Syscall, _) => Activity::Scheduling,
            (MStatus::Netpoll, _) => Activity::Netpoll,
            (MStatus::LockedWait, _) => Activity::Locked,
            (MStatus::Sysmon, _) => Activity::Sysmon,
            (MStatus::Dead, _) => Activity::Dead,
        }
    }

    /// What a P with this status is doing, given what its M (if any) is doing.
    pub fn of_p(status: PStatus, m: Option<Activity>) -> Activity {
        match (status, m) {
            (PStatus::Dead, _) => Activity::Dead,
            (_, Some(a @ (Activity::Run(_) | Activity::Syscall(_) | Activity::Spinning | Activity::Scheduling))) => a,
            (_, Some(Activity::Waking { spinning: true })) => Activity::Spinning,
            _ => Activity::Idle,
        }
    }

    /// The goroutine it runs or holds in a syscall.
    pub fn g(self) -> Option<GId> {
        match self {
            Activity::Run(g) | Activity::Syscall(g) => Some(g),
            _ => None,
        }
    }

    /// Looking for work to steal (or on its way to): spinning, or waking to spin.
    pub fn spinning(self) -> bool {
        matches!(self, Activity::Spinning | Activity::Waking { spinning: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialize_as_their_words() {
        let g = [GStatus::Runnable, GStatus::Running, GStatus::Syscall, GStatus::Waiting, GStatus::Dead];
        let words: Vec<String> = g.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
        assert_eq!(words, ["\"runnable\"", "\"running\"", "\"syscall\"", "\"waiting\"", "\"dead\""]);
        let p = [PStatus::Idle, PStatus::Running, PStatus::GcStop, PStatus::Dead];
        let words: Vec<String> = p.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
        assert_eq!(words, ["\"idle\"", "\"running\"", "\"gcstop\"", "\"dead\""]);
        let m = [
            MStatus::Idle,
            MStatus::Waking,
            MStatus::Schedule,
            MStatus::Run,
            MStatus::Syscall,
            MStatus::Netpoll,
            MStatus::LockedWait,
            MStatus::Dead,
            MStatus::Sysmon,
        ];
        let words: Vec<String> = m.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
        assert_eq!(
            words,
            ["\"idle\"", "\"waking\"", "\"scheduling\"", "\"running\"", "\"syscall\"", "\"netpoll\"", "\"locked\"", "\"dead\"", "\"sysmon\""]
        );
        for s in g {
            assert_eq!(format!("\"{s}\""), serde_json::to_string(&s).unwrap());
        }
        for s in p {
            assert_eq!(format!("\"{s}\""), serde_json::to_string(&s).unwrap());
        }
        for s in m {
            assert_eq!(format!("\"{s}\""), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn a_p_does_what_its_m_does_on_it() {
        let g = GId(3);
        let run = Activity::of_m(MStatus::Run, false, Some(g));
        assert_eq!(run, Activity::Run(g));
        assert_eq!(Activity::of_p(PStatus::Running, Some(run)), Activity::Run(g));
        let sys = Activity::of_m(MStatus::Syscall, false, Some(g));
        assert_eq!(Activity::of_p(PStatus::Running, Some(sys)), Activity::Syscall(g));
        let spin = Activity::of_m(MStatus::Schedule, true, None);
        assert_eq!(spin, Activity::Spinning);
        assert_eq!(Activity::of_p(PStatus::Running, Some(spin)), Activity::Spinning);
        let sched = Activity::of_m(MStatus::Schedule, false, None);
        assert_eq!(Activity::of_p(PStatus::Running, Some(sched)), Activity::Scheduling);
        let waking = Activity::of_m(MStatus::Waking, true, None);
        assert!(waking.spinning());
        assert_eq!(Activity::of_p(PStatus::Running, Some(waking)), Activity::Spinning);
        assert_eq!(Activity::of_p(PStatus::Running, Some(Activity::Waking { spinning: false })), Activity::Idle);
        assert_eq!(Activity::of_p(PStatus::Idle, None), Activity::Idle);
        assert_eq!(Activity::of_p(PStatus::Dead, None), Activity::Dead);
        assert_eq!(Activity::of_m(MStatus::LockedWait, false, None), Activity::Locked);
        assert_eq!(Activity::of_m(MStatus::Idle, false, None), Activity::Idle);
    }
}
