//! The syntax tree of the Go the importer reads: a file, its declarations, statements,
//! expressions and types. Statements the subset never simulates are kept as
//! [`Stmt::Unsupported`], with their place, so that every one can be reported.

use super::error::Pos;

/// A `main.go`.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The package clause's name and place.
    pub package: (String, Pos),
    /// Import paths, in order, with their places.
    pub imports: Vec<(String, Pos)>,
    /// Top-level declarations, in order.
    pub decls: Vec<Decl>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    /// `func name(params) { body }`.
    Func(FuncDecl),
    /// `var names [type] [= values]`.
    Var(VarSpec),
    /// `const names [type] [= values]`, or a group of them (`values` empty for a spec that
    /// repeats the previous one's, with the next `iota`).
    Const(Vec<VarSpec>),
    /// `type name ...`, kept by kind (`"type"`) and name.
    Other { pos: Pos, kind: &'static str, name: String },
}

/// A function declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    /// Place of `func`.
    pub pos: Pos,
    /// Its name.
    pub name: String,
    /// The receiver's type name, for a method.
    pub recv: Option<String>,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Whether it declares results.
    pub results: bool,
    /// Its body, or `None` if the parser skipped it (an export helper).
    pub body: Option<Block>,
}

/// A parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Place of its name (or type, if unnamed).
    pub pos: Pos,
    /// Its name (`_` or empty if unnamed).
    pub name: String,
    /// Its type.
    pub ty: Type,
}

/// A `var` specification.
#[derive(Clone, Debug, PartialEq)]
pub struct VarSpec {
    /// Place of the first name.
    pub pos: Pos,
    /// Names declared.
    pub names: Vec<String>,
    /// Its type, if written.
    pub ty: Option<Type>,
    /// Its initial values.
    pub values: Vec<Expr>,
}

/// A type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A name, qualified or not (`int`, `sync.WaitGroup`).
    Name(String),
    /// `*T`.
    Pointer(Box<Type>),
    /// `chan T`, `chan<- T`, `<-chan T`.
    Chan(Box<Type>),
    /// `struct{...}` (fields not kept; `true` if it has none).
    Struct(bool),
    /// Any other type (`[]T`, `[N]T`, `map[K]V`, `func(...)`, `interface{...}`), by kind.
    Other(&'static str),
}

/// A block's statements.
pub type Block = Vec<Stmt>;

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// An expression used as a statement (a call, a receive).
    Expr(Expr),
    /// `ch <- v`.
    Send { pos: Pos, ch: Expr, value: Expr },
    /// `go call`.
    Go { pos: Pos, call: Expr },
    /// `defer call`.
    Defer { pos: Pos, call: Expr },
    /// `lhs := rhs`, `lhs = rhs` or `lhs op= rhs`.
    Assign { pos: Pos, lhs: Vec<Expr>, op: &'static str, rhs: Vec<Expr> },
    /// `x++` or `x--`.
    IncDec { pos: Pos, x: Expr, inc: bool },
    /// `var ...` inside a function.
    Var(VarSpec),
    /// `const ...` inside a function, one spec each.
    Const(Vec<VarSpec>),
    /// `var ( ... )` inside a function: several specs in the same scope.
    Vars(Vec<VarSpec>),
    /// A `for` statement.
    For { pos: Pos, head: ForHead, body: Block },
    /// `if cond { ... } else ...`.
    If { pos: Pos, init: Option<Box<Stmt>>, cond: Expr, then: Block, els: Option<Box<Stmt>> },
    /// `{ ... }`.
    Block(Block),
    /// A statement the subset does not simulate (`select`, `switch`, `return`, ...), skipped
    /// whole.
    Unsupported { pos: Pos, what: String },
    /// An empty statement.
    Empty,
}

/// What follows `for`.
#[derive(Clone, Debug, PartialEq)]
pub enum ForHead {
    /// `for { }`.
    Forever,
    /// `for cond { }`.
    Cond(Expr),
    /// `for init; cond; post { }`.
    Clauses { init: Option<Box<Stmt>>, cond: Option<Expr>, post: Option<Box<Stmt>> },
    /// `for [key [, value] :=|=] range x { }`.
    Range { key: Option<Expr>, value: Option<Expr>, define: bool, x: Expr },
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A name.
    Ident(Pos, String),
    /// An integer literal.
    Int(Pos, u64),
    /// A string literal.
    Str(Pos, String),
    /// Another literal (float, rune), by kind.
    Lit(Pos, &'static str),
    /// `x.name`.
    Selector(Pos, Box<Expr>, String),
    /// `fun(args)` (`dots`: the last argument is followed by `...`).
    Call { pos: Pos, fun: Box<Expr>, args: Vec<Expr>, dots: bool },
    /// `op x`.
    Unary(Pos, &'static str, Box<Expr>),
    /// `x op y`.
    Binary(Pos, &'static str, Box<Expr>, Box<Expr>),
    /// `x[i]`, `x[i:j]`.
    Index(Pos, Box<Expr>),
    /// `func(params) { body }`.
    FuncLit { pos: Pos, params: Vec<Param>, body: Block },
    /// `T{...}` (elements not kept).
    Composite(Pos, Type),
    /// A type used as a value (`make(chan int)`, a conversion).
    Type(Pos, Type),
    /// `(x)`.
    Paren(Pos, Box<Expr>),
}

impl Expr {
    /// Where the expression starts (for binary expressions: its operator, as Go reports).
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Ident(p, _) | Expr::Int(p, _) | Expr::Str(p, _) | Expr::Lit(p, _) | Expr::Selector(p, _, _) => *p,
            Expr::Call { pos, .. } | Expr::FuncLit { pos, .. } => *pos,
            Expr::Unary(p, _, _) | Expr::Binary(p, _, _, _) | Expr::Index(p, _) | Expr::Composite(p, _) | Expr::Type(p, _) | Expr::Paren(p, _) => *p,
        }
    }
}
