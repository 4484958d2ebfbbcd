//! Reading op bodies: main's and each func's ops, `go`, and the channel, func and WaitGroup
//! names they use.

use super::*;

impl Checker {
    /// A body (main or a func): an array of ops, with the size limit checked.
    pub(super) fn body(&mut self, v: &Value, place: &str) -> Vec<Op> {
        let mut written = 0;
        let ops = self.ops(v, place, 0, &mut written);
        if written > MAX_OPS_PER_BODY {
            self.say(place, format!("has {written} ops (nested ones included); the limit is {MAX_OPS_PER_BODY}"));
        }
        ops
    }

    /// An array of ops at `depth` repeats deep; counts every op written into `written`.
    fn ops(&mut self, v: &Value, place: &str, depth: usize, written: &mut usize) -> Vec<Op> {
        let Value::Array(items) = v else {
            self.say(place, format!("expected an array of ops, found {}", describe(v)));
            return Vec::new();
        };
        let mut ops = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            *written += 1;
            if let Some(op) = self.op(item, &format!("{place}[{i}]"), depth, written) {
                ops.push(op);
            }
        }
        ops
    }

    fn op(&mut self, v: &Value, place: &str, depth: usize, written: &mut usize) -> Option<Op> {
        let (key, arg) = match v {
            Value::String(s) => {
                return match s.as_str() {
                    "gosched" => Some(Op::Gosched),
                    "lock_os_thread" => Some(Op::LockOsThread),
                    "unlock_os_thread" => Some(Op::UnlockOsThread),
                    other => {
                        match ARG_OPS.iter().find(|(name, _)| *name == other) {
                            Some((name, example)) => {
                                self.say(place, format!("op {name:?} needs an argument, as in {example}"));
                            }
                            None => self.say(place, format!("unknown op {other:?}")),
                        }
                        None
                    }
                };
            }
            Value::Object(m) if m.len() == 1 => m.iter().next()?,
            Value::Object(m) if m.is_empty() => {
                self.say(place, r#"an op is an object with one key, such as {"work": "1ms"}; found an empty object"#);
                return None;
            }
            Value::Object(m) => {
                let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                self.say(
                    place,
                    format!("an op is an object with one key; found {}: {}", keys.len(), quoted_list(&keys)),
                );
                return None;
            }
            other => {
                self.say(
                    place,
                    format!(
                        r#"expected an op (an object such as {{"work": "1ms"}} or a string such as "gosched"), found {}"#,
                        describe(other)
                    ),
                );
                return None;
            }
        };
        let here = join(place, key);
        let here = here.as_str();
        match key.as_str() {
            "work" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Work),
            "syscall" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Syscall),
            "net" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Net),
            "sleep" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Sleep),
            "go" => self.go(arg, here),
            "send" if arg.is_object() => self.send_value(arg, here),
            "recv" if arg.is_object() => self.recv_into(arg, here),
            "send" => self.chan(arg, here).map(Op::Send),
            "recv" => self.chan(arg, here).map(Op::Recv),
            "print" => self.print(arg, here),
            "range" => {
                let m = self.object(arg, here, r#"{"chan": NAME, "var": VAR, "body": [ops]}"#)?;
                self.unknown_fields(m, here, &["chan", "var", "body"]);
                if depth == MAX_REPEAT_DEPTH {
                    self.say(here, format!("loops are nested {} deep here; the limit is {MAX_REPEAT_DEPTH}", depth + 1));
                }
                let chan = self.required(m, here, "chan").and_then(|c| self.chan(c, &join(here, "chan")));
                let var = match m.get("var") {
                    None => Some(None),
                    Some(v) => self.var_name(v, &join(here, "var")).map(Some),
                };
                let gos = self.gos.len();
                let body = self.required(m, here, "body").map(|b| self.ops(b, &join(here, "body"), depth + 1, written));
                // Its goroutines are counted from the values sent on the channel (totals.rs).
                if let Some(c) = chan {
                    for (_, place) in &self.gos[gos..] {
                        self.range_gos.push((c, place.clone()));
                    }
                }
                Some(Op::Range { chan: chan?, var: var?, body: body? })
            }
            "close" => self.chan(arg, here).map(Op::Close),
            "add" => {
                let m = self.object(arg, here, r#"{"wg": NAME, "n": N}"#)?;
                self.unknown_fields(m, here, &["wg", "n"]);
                let wg = self.required(m, here, "wg").and_then(|w| self.wg(w, &join(here, "wg")));
                let n = self
                    .required(m, here, "n")
                    .and_then(|n| self.int(n, &join(here, "n"), -i128::from(MAX_WG_DELTA), i128::from(MAX_WG_DELTA)));
                Some(Op::Add { wg: wg?, n: n? as i64 })
            }
            "done" => self.wg(arg, here).map(Op::Done),
            "wait" => self.wg(arg, here).map(Op::Wait),
            "repeat" => {
                let m = self.object(arg, here, r#"{"n": N, "body": [ops]}"#)?;
                self.unknown_fields(m, here, &["n", "var", "from", "body"]);
                let var = self.loop_var(m, here);
                if depth == MAX_REPEAT_DEPTH {
                    self.say(
                        here,
                        format!("repeats are nested {} deep here; the limit is {MAX_REPEAT_DEPTH}", depth + 1),
                    );
                }
                let n =
                    self.required(m, here, "n").and_then(|n| self.int(n, &join(here, "n"), 0, i128::from(MAX_COUNT)));
                let body = self.required(m, here, "body").map(|b| self.ops(b, &join(here, "body"), depth + 1, written));
                match var? {
                    None => Some(Op::Repeat { n: n? as u64, body: body? }),
                    Some((var, from)) => Some(Op::For { n: n? as u64, var, from, body: body? }),
                }
            }
            "gomaxprocs" => self.int(arg, here, 1, i128::from(MAX_GOMAXPROCS)).map(|n| Op::Gomaxprocs(n as u32)),
            bare if BARE_OPS.contains(&bare) => {
                self.say(place, format!("op {bare:?} takes no argument: write it as the string {bare:?}"));
                None
            }
            other => {
                self.say(place, format!("unknown op {other:?}"));
                None
            }
        }
    }

    /// The `"func"` (required, a declared func) and `"n"` (1 when absent) of a `go` op's or a
    /// `spawn` action's object; each `None` where it is wrong, and said.
    pub(super) fn func_and_count(&mut self, m: &Map<String, Value>, here: &str) -> (Option<u32>, Option<i128>) {
        let func = self.required(m, here, "func").and_then(|f| {
            let place = join(here, "func");
            let name = self.string(f, &place)?;
            self.func(name, &place)
        });
        let n = match m.get("n") {
            None => Some(1),
            Some(n) => self.int(n, &join(here, "n"), 1, i128::from(MAX_COUNT)),
        };
        (func, n)
    }

    /// `{"go": "f"}` or `{"go": {"func": "f", "n": N}}`.
    fn go(&mut self, arg: &Value, here: &str) -> Option<Op> {
        let (func, n) = match arg {
            Value::String(name) => (self.func(name, here), Some(1)),
            Value::Object(m) => {
                self.unknown_fields(m, here, &["func", "n", "args"]);
                if let Some(a) = m.get("args") {
                    let args = self.go_args(a, &join(here, "args"));
                    let (func, n) = self.func_and_count(m, here);
                    let func = func?;
                    self.gos.push((func, here.to_string()));
                    return Some(Op::GoArgs { func, n: n? as u32, args: args? });
                }
                self.func_and_count(m, here)
            }
            other => {
                self.say(
                    here,
                    format!(r#"expected a func name or {{"func": NAME, "n": N}}, found {}"#, describe(other)),
                );
                return None;
            }
        };
        let func = func?;
        self.gos.push((func, here.to_string()));
        Some(Op::Go { func, n: n? as u32 })
    }

    fn func(&mut self, name: &str, place: &str) -> Option<u32> {
        let ix = self.func_ix.get(name).copied();
        if ix.is_none() {
            self.say(place, format!("unknown func {name:?}"));
        }
        ix
    }

    pub(super) fn chan(&mut self, v: &Value, place: &str) -> Option<u32> {
        let name = self.string(v, place)?;
        let ix = self.chan_ix.get(name).copied();
        if ix.is_none() {
            self.say(place, format!("undeclared channel {name:?} (declare it in \"chans\")"));
        }
        ix
    }

    /// A WaitGroup name; the first use of a name declares it.
    fn wg(&mut self, v: &Value, place: &str) -> Option<u32> {
        let name = self.string(v, place)?;
        if name.is_empty() {
            self.say(place, "a WaitGroup name must not be empty");
            return None;
        }
        if let Some(&ix) = self.wg_ix.get(name) {
            return Some(ix);
        }
        if self.wgs.len() == MAX_DECLS {
            if !self.wg_limit_told {
                self.wg_limit_told = true;
                self.say(place, format!("too many WaitGroups; the limit is {MAX_DECLS}"));
            }
            return None;
        }
        let ix = self.wgs.len() as u32;
        self.wgs.push(name.to_string());
        self.wg_ix.insert(name.to_string(), ix);
        Some(ix)
    }
}
