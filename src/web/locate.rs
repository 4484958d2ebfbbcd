//! Finds where a scenario problem's place (`main[2].go`, `chans.jobs`, `line 3, column 7`) is in
//! the JSON text, so the editor can show each problem at its line and select it.
//!
//! A tolerant scanner walks the text once, recording the span of every value under its path in
//! the format's place syntax; it stops quietly at the first syntax error (those problems carry
//! their line and column already).

/// Where a place is in the text: 1-based line and column, and the byte span of its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    pub line: u32,
    pub col: u32,
    pub start: usize,
    pub end: usize,
}

/// Every value's path and span, in the order the scanner met them (a path met twice, as with a
/// duplicate key: the later one counts). A list rather than a hash map: the page's wasm then
/// holds no hash table code for it, and it is only searched for the few problems shown.
pub struct Locator<'a> {
    text: &'a str,
    spans: Vec<(String, (usize, usize))>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        let mut s = Scanner { b: text.as_bytes(), i: 0, spans: Vec::new() };
        s.ws();
        let _ = s.value(String::new());
        Locator { text, spans: s.spans }
    }

    /// The spot of `place`: its value, or the nearest enclosing one that exists.
    pub fn find(&self, place: &str) -> Option<Spot> {
        if let Some(rest) = place.strip_prefix("line ") {
            let mut it = rest.split(", column ");
            let line: u32 = it.next()?.trim().parse().ok()?;
            let col: u32 = it.next().and_then(|c| c.trim().parse().ok()).unwrap_or(1);
            let start = self.offset_of(line, col);
            return Some(Spot { line, col, start, end: (start + 1).min(self.text.len()) });
        }
        let mut p = place.to_string();
        loop {
            if let Some(&(_, (start, end))) = self.spans.iter().rev().find(|(k, _)| *k == p) {
                let (line, col) = self.line_col(start);
                return Some(Spot { line, col, start, end });
            }
            // Drop the last component: `.name` or `[i]`.
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
            if p.is_empty() {
                return None;
            }
        }
    }

    fn line_col(&self, at: usize) -> (u32, u32) {
        let before = &self.text[..at.min(self.text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        (line, col)
    }

    fn offset_of(&self, line: u32, col: u32) -> usize {
        let mut off = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i as u32 + 1 == line {
                return off + l.char_indices().nth(col.saturating_sub(1) as usize).map_or(l.len(), |c| c.0);
            }
            off += l.len();
        }
        self.text.len()
    }
}

struct Scanner<'b> {
    b: &'b [u8],
    i: usize,
    spans: Vec<(String, (usize, usize))>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn value(&mut self, path: String) -> Option<()> {
        let start = self.i;
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return None;
                        }
                        self.i += 1;
                        self.ws();
                        let sub = if path.is_empty() { key } else { format!("{path}.{key}") };
                        self.value(sub)?;
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    let mut k = 0;
                    loop {
                        self.ws();
                        self.value(format!("{path}[{k}]"))?;
                        k += 1;
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']') && !self.b[self.i].is_ascii_whitespace() {
                    self.i += 1;
                }
            }
        }
        self.spans.push((path, (start, self.i)));
        Some(())
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    let s = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
                    self.i += 1;
                    return Some(s);
                }
                _ => self.i += 1,
            }
        }
        None
    }
}

