//! Large traces made from a small real one, for the memory test and the benchmark: the
//! generations of a Go 1.26 trace repeated, renumbered and shifted in time.
#![allow(dead_code)]

fn put_uvarint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn uvarint(b: &[u8], pos: &mut usize) -> u64 {
    let (mut x, mut s) = (0u64, 0);
    loop {
        let c = b[*pos];
        *pos += 1;
        x |= u64::from(c & 0x7f) << s;
        if c < 0x80 {
            return x;
        }
        s += 7;
    }
}

/// One batch of the source: `(experiment or 0, gen, m, time, data)`.
type RawBatch<'a> = (u64, u64, u64, u64, &'a [u8]);

/// The source's generations, each a list of batches. Panics unless it is a well-formed
/// Go 1.26 trace (each generation closed by `EndOfGeneration`).
fn generations(trace: &[u8]) -> Vec<Vec<RawBatch<'_>>> {
    assert_eq!(&trace[..16], b"go 1.26 trace\0\0\0", "a Go 1.26 trace");
    let mut gens = vec![Vec::new()];
    let mut pos = 16;
    while pos < trace.len() {
        let t = trace[pos];
        pos += 1;
        match t {
            52 => gens.push(Vec::new()),
            1 | 49 => {
                let exp = if t == 49 { uvarint(trace, &mut pos) } else { 0 };
                let gen = uvarint(trace, &mut pos);
                let m = uvarint(trace, &mut pos);
                let time = uvarint(trace, &mut pos);
                let size = uvarint(trace, &mut pos) as usize;
                gens.last_mut().unwrap().push((exp, gen, m, time, &trace[pos..pos + size]));
                pos += size;
            }
            _ => panic!("unexpected byte 0x{t:02x} at {}", pos - 1),
        }
    }
    gens.pop();
    gens
}

/// The source's generations repeated until the result holds at least `min_bytes`, numbered
/// 1, 2, 3, ... and shifted so that time goes on. Also returns the largest generation's size.
pub fn repeat_generations(trace: &[u8], min_bytes: usize) -> (Vec<u8>, usize) {
    let gens = generations(trace);
    let first = gens.iter().flatten().map(|b| b.3).min().unwrap();
    let last = gens.iter().flatten().map(|b| b.3).max().unwrap();
    let span = last - first + 1_000_000;
    let mut out = trace[..16].to_vec();
    let mut largest = 0;
    let mut n = 0u64;
    for copy in 0.. {
        for g in &gens {
            n += 1;
            let start = out.len();
            for &(exp, _, m, time, data) in g {
                if exp != 0 {
                    out.push(49);
                    put_uvarint(&mut out, exp);
                } else {
                    out.push(1);
                }
                put_uvarint(&mut out, n);
                put_uvarint(&mut out, m);
                put_uvarint(&mut out, time + copy * span);
                put_uvarint(&mut out, data.len() as u64);
                out.extend_from_slice(data);
            }
            out.push(52);
            largest = largest.max(out.len() - start);
        }
        if out.len() >= min_bytes {
            break;
        }
    }
    (out, largest)
}

/// The same trace in an older format: `go 1.25` (no `EndOfGeneration`: a generation ends where
/// the next one's batches begin) or `go 1.23` (also no sync batch: the frequency alone in its
/// batch, no clock snapshot). Panics unless the source is a Go 1.26 trace.
pub fn to_older_format(trace: &[u8], minor: u32) -> Vec<u8> {
    assert!(minor == 23 || minor == 25);
    let mut out = format!("go 1.{minor} trace\0\0\0").into_bytes();
    for g in generations(trace) {
        for (exp, gen, m, time, data) in g {
            let data: Vec<u8> = if minor == 23 && exp == 0 && data.first() == Some(&50) {
                // Sync [Frequency f, ClockSnapshot ...] becomes [Frequency f].
                let mut p = 1;
                let mut d = Vec::new();
                while p < data.len() {
                    let t = data[p];
                    p += 1;
                    let n = if t == 8 { 1 } else { 4 };
                    let start = p;
                    for _ in 0..n {
                        uvarint(data, &mut p);
                    }
                    if t == 8 {
                        d.push(8);
                        d.extend_from_slice(&data[start..p]);
                    }
                }
                d
            } else {
                data.to_vec()
            };
            if exp != 0 {
                out.push(49);
                put_uvarint(&mut out, exp);
            } else {
                out.push(1);
            }
            put_uvarint(&mut out, gen);
            put_uvarint(&mut out, m);
            put_uvarint(&mut out, time);
            put_uvarint(&mut out, data.len() as u64);
            out.extend_from_slice(&data);
        }
    }
    out
}
