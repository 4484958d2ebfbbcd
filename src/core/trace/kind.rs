//! `EventKind`: the event types of the wire format (`internal/trace/tracev2`), with their
//! names, arguments and the trace version that introduced each.
//!
//! The byte that starts every event on the wire is its type. Types 1–52 are the regular
//! events (structural ones that frame batches and tables, and timed ones that happen on a
//! thread); 128–136 are the `AllocFree` experiment's events. Go 1.22 knows types up to
//! `UserLog` (44), Go 1.23 (and 1.24) up to `ExperimentalBatch` (49), Go 1.25 up to
//! `ClockSnapshot` (51), Go 1.26 all of them.

use super::version::Version;

/// One event type of the wire format. The discriminant is the type byte.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum EventKind {
    // Structural events.
    EventBatch = 1,
    Stacks = 2,
    Stack = 3,
    Strings = 4,
    String = 5,
    CPUSamples = 6,
    CPUSample = 7,
    Frequency = 8,
    // Procs.
    ProcsChange = 9,
    ProcStart = 10,
    ProcStop = 11,
    ProcSteal = 12,
    ProcStatus = 13,
    // Goroutines.
    GoCreate = 14,
    GoCreateSyscall = 15,
    GoStart = 16,
    GoDestroy = 17,
    GoDestroySyscall = 18,
    GoStop = 19,
    GoBlock = 20,
    GoUnblock = 21,
    GoSyscallBegin = 22,
    GoSyscallEnd = 23,
    GoSyscallEndBlocked = 24,
    GoStatus = 25,
    // Stop-the-world.
    STWBegin = 26,
    STWEnd = 27,
    // GC.
    GCActive = 28,
    GCBegin = 29,
    GCEnd = 30,
    GCSweepActive = 31,
    GCSweepBegin = 32,
    GCSweepEnd = 33,
    GCMarkAssistActive = 34,
    GCMarkAssistBegin = 35,
    GCMarkAssistEnd = 36,
    HeapAlloc = 37,
    HeapGoal = 38,
    // Annotations.
    GoLabel = 39,
    UserTaskBegin = 40,
    UserTaskEnd = 41,
    UserRegionBegin = 42,
    UserRegionEnd = 43,
    UserLog = 44,
    // Go 1.23.
    GoSwitch = 45,
    GoSwitchDestroy = 46,
    GoCreateBlocked = 47,
    GoStatusStack = 48,
    ExperimentalBatch = 49,
    // Go 1.25.
    Sync = 50,
    ClockSnapshot = 51,
    // Go 1.26.
    EndOfGeneration = 52,
    // The AllocFree experiment (Go 1.23 runtime, readable as Go 1.26 traces).
    Span = 128,
    SpanAlloc = 129,
    SpanFree = 130,
    HeapObject = 131,
    HeapObjectAlloc = 132,
    HeapObjectFree = 133,
    GoroutineStack = 134,
    GoroutineStackAlloc = 135,
    GoroutineStackFree = 136,
}

/// Every kind, in type-byte order.
pub const ALL_KINDS: [EventKind; 61] = {
    use EventKind::*;
    [
        EventBatch, Stacks, Stack, Strings, String, CPUSamples, CPUSample, Frequency, ProcsChange, ProcStart,
        ProcStop, ProcSteal, ProcStatus, GoCreate, GoCreateSyscall, GoStart, GoDestroy, GoDestroySyscall, GoStop,
        GoBlock, GoUnblock, GoSyscallBegin, GoSyscallEnd, GoSyscallEndBlocked, GoStatus, STWBegin, STWEnd,
        GCActive, GCBegin, GCEnd, GCSweepActive, GCSweepBegin, GCSweepEnd, GCMarkAssistActive,
        GCMarkAssistBegin, GCMarkAssistEnd, HeapAlloc, HeapGoal, GoLabel, UserTaskBegin, UserTaskEnd,
        UserRegionBegin, UserRegionEnd, UserLog, GoSwitch, GoSwitchDestroy, GoCreateBlocked, GoStatusStack,
        ExperimentalBatch, Sync, ClockSnapshot, EndOfGeneration, Span, SpanAlloc, SpanFree, HeapObject,
        HeapObjectAlloc, HeapObjectFree, GoroutineStack, GoroutineStackAlloc, GoroutineStackFree,
    ]
};

/// The kind of every type byte, for decoding without a branch per kind.
const BY_BYTE: [Option<EventKind>; 256] = {
    let mut t = [None; 256];
    let mut i = 0;
    while i < ALL_KINDS.len() {
        t[ALL_KINDS[i] as usize] = Some(ALL_KINDS[i]);
        i += 1;
    }
    t
};

/// The argument count of every type byte.
const ARG_COUNT: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < ALL_KINDS.len() {
        t[ALL_KINDS[i] as usize] = ALL_KINDS[i].spec().1.len() as u8;
        i += 1;
    }
    t
};

impl EventKind {
    /// The kind whose type byte is `b`, if the trace version `v` has it.
    #[inline]
    pub fn from_byte(b: u8, v: Version) -> Option<EventKind> {
        let k = BY_BYTE[b as usize]?;
        (k.since() <= v).then_some(k)
    }

    /// The type byte.
    pub fn byte(self) -> u8 {
        self as u8
    }

    /// The oldest trace version that has this kind.
    #[inline]
    pub fn since(self) -> Version {
        let b = self as u8;
        match b {
            1..=44 => Version::Go122,
            45..=49 => Version::Go123,
            50..=51 => Version::Go125,
            _ => Version::Go126,
        }
    }

    /// True for the events that happen on a thread at a time (their first argument is the
    /// time since the previous event of the batch); false for the structural ones (batch
    /// headers, tables, samples, the sync batch's frequency).
    #[inline]
    pub fn is_timed(self) -> bool {
        let b = self as u8;
        (9..=48).contains(&b) || b == 51 || b >= 128
    }

    /// The name on the wire (what `go tool trace -d=wire` prints).
    pub fn name(self) -> &'static str {
        self.spec().0
    }

    /// The names of the arguments, as `go tool trace -d=wire` prints them; a timed event's
    /// first argument is `dt`. `Stack` is followed by `nframes` frames of four numbers,
    /// `String` and `ExperimentalBatch` by a length and that many bytes of data.
    pub fn arg_names(self) -> &'static [&'static str] {
        self.spec().1
    }

    /// How many varint arguments follow the type byte (frames and data not counted).
    #[inline]
    pub fn arg_count(self) -> usize {
        ARG_COUNT[self as usize] as usize
    }

    const fn spec(self) -> (&'static str, &'static [&'static str]) {
        use EventKind::*;
        match self {
            EventBatch => ("EventBatch", &["gen", "m", "time", "size"]),
            Stacks => ("Stacks", &[]),
            Stack => ("Stack", &["id", "nframes"]),
            Strings => ("Strings", &[]),
            String => ("String", &["id"]),
            CPUSamples => ("CPUSamples", &[]),
            CPUSample => ("CPUSample", &["time", "m", "p", "g", "stack"]),
            Frequency => ("Frequency", &["freq"]),
            ProcsChange => ("ProcsChange", &["dt", "procs_value", "stack"]),
            ProcStart => ("ProcStart", &["dt", "p", "p_seq"]),
            ProcStop => ("ProcStop", &["dt"]),
            ProcSteal => ("ProcSteal", &["dt", "p", "p_seq", "m"]),
            ProcStatus => ("ProcStatus", &["dt", "p", "pstatus"]),
            GoCreate => ("GoCreate", &["dt", "new_g", "new_stack", "stack"]),
            GoCreateSyscall => ("GoCreateSyscall", &["dt", "new_g"]),
            GoStart => ("GoStart", &["dt", "g", "g_seq"]),
            GoDestroy => ("GoDestroy", &["dt"]),
            GoDestroySyscall => ("GoDestroySyscall", &["dt"]),
            GoStop => ("GoStop", &["dt", "reason_string", "stack"]),
            GoBlock => ("GoBlock", &["dt", "reason_string", "stack"]),
            GoUnblock => ("GoUnblock", &["dt", "g", "g_seq", "stack"]),
            GoSyscallBegin => ("GoSyscallBegin", &["dt", "p_seq", "stack"]),
            GoSyscallEnd => ("GoSyscallEnd", &["dt"]),
            GoSyscallEndBlocked => ("GoSyscallEndBlocked", &["dt"]),
            GoStatus => ("GoStatus", &["dt", "g", "m", "gstatus"]),
            STWBegin => ("STWBegin", &["dt", "kind_string", "stack"]),
            STWEnd => ("STWEnd", &["dt"]),
            GCActive => ("GCActive", &["dt", "gc_seq"]),
            GCBegin => ("GCBegin", &["dt", "gc_seq", "stack"]),
            GCEnd => ("GCEnd", &["dt", "gc_seq"]),
            GCSweepActive => ("GCSweepActive", &["dt", "p"]),
            GCSweepBegin => ("GCSweepBegin", &["dt", "stack"]),
            GCSweepEnd => ("GCSweepEnd", &["dt", "swept_value", "reclaimed_value"]),
            GCMarkAssistActive => ("GCMarkAssistActive", &["dt", "g"]),
            GCMarkAssistBegin => ("GCMarkAssistBegin", &["dt", "stack"]),
            GCMarkAssistEnd => ("GCMarkAssistEnd", &["dt"]),
            HeapAlloc => ("HeapAlloc", &["dt", "heapalloc_value"]),
            HeapGoal => ("HeapGoal", &["dt", "heapgoal_value"]),
            GoLabel => ("GoLabel", &["dt", "label_string"]),
            UserTaskBegin => ("UserTaskBegin", &["dt", "task", "parent_task", "name_string", "stack"]),
            UserTaskEnd => ("UserTaskEnd", &["dt", "task", "stack"]),
            UserRegionBegin => ("UserRegionBegin", &["dt", "task", "name_string", "stack"]),
            UserRegionEnd => ("UserRegionEnd", &["dt", "task", "name_string", "stack"]),
            UserLog => ("UserLog", &["dt", "task", "key_string", "value_string", "stack"]),
            GoSwitch => ("GoSwitch", &["dt", "g", "g_seq"]),
            GoSwitchDestroy => ("GoSwitchDestroy", &["dt", "g", "g_seq"]),
            GoCreateBlocked => ("GoCreateBlocked", &["dt", "new_g", "new_stack", "stack"]),
            GoStatusStack => ("GoStatusStack", &["dt", "g", "m", "gstatus", "stack"]),
            ExperimentalBatch => ("ExperimentalBatch", &["exp", "gen", "m", "time"]),
            Sync => ("Sync", &[]),
            ClockSnapshot => ("ClockSnapshot", &["dt", "mono", "sec", "nsec"]),
            EndOfGeneration => ("EndOfGeneration", &[]),
            Span => ("Span", &["dt", "id", "npages_value", "kindclass"]),
            SpanAlloc => ("SpanAlloc", &["dt", "id", "npages_value", "kindclass"]),
            SpanFree => ("SpanFree", &["dt", "id"]),
            HeapObject => ("HeapObject", &["dt", "id", "type"]),
            HeapObjectAlloc => ("HeapObjectAlloc", &["dt", "id", "type"]),
            HeapObjectFree => ("HeapObjectFree", &["dt", "id"]),
            GoroutineStack => ("GoroutineStack", &["dt", "id", "order"]),
            GoroutineStackAlloc => ("GoroutineStackAlloc", &["dt", "id", "order"]),
            GoroutineStackFree => ("GoroutineStackFree", &["dt", "id"]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_versions_limit_kinds() {
        for k in ALL_KINDS {
            assert_eq!(EventKind::from_byte(k.byte(), Version::Go126), Some(k));
            assert!(k.arg_count() <= 5, "{}", k.name());
        }
        assert_eq!(EventKind::from_byte(44, Version::Go122), Some(EventKind::UserLog));
        assert_eq!(EventKind::from_byte(45, Version::Go122), None);
        assert_eq!(EventKind::from_byte(50, Version::Go123), None);
        assert_eq!(EventKind::from_byte(52, Version::Go125), None);
        assert_eq!(EventKind::from_byte(0, Version::Go126), None);
        assert_eq!(EventKind::from_byte(53, Version::Go126), None);
        assert_eq!(EventKind::from_byte(137, Version::Go126), None);
        assert!(EventKind::GoCreate.is_timed() && !EventKind::Frequency.is_timed());
    }
}
