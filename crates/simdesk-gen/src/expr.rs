//! The small formula language template packs use for computed columns and
//! key figures: one expression gives both the Excel formula written into
//! the workbook and the value the generator needs (for prose, field displays
//! and the expected values of goals).
//!
//! ```text
//! units * price                       a computed column (per row)
//! value / sum(value)                  a weight: sums to 100% over the rows
//! sumif(asset_class, "Equity", value) key figure over a column
//! total_value * fee_rate              key figures and assumptions combine
//! ```
//!
//! Functions: `sum avg min max count sumproduct sumif countif round abs`.

use std::fmt::Write as _;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A number.
    Num(f64),
    /// A text.
    Text(String),
}

impl Val {
    fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Text(_) => 0.0,
        }
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A string literal (criteria of `sumif`/`countif`).
    Str(String),
    /// A name: a column, a key figure or an assumption.
    Name(String),
    /// A unary minus.
    Neg(Box<Expr>),
    /// A binary operation `+ - * /`.
    Bin(char, Box<Expr>, Box<Expr>),
    /// A function call.
    Call(String, Vec<Expr>),
}

/// What names mean where an expression is used.
pub trait Scope {
    /// A single value: the formula text that reads it, and its value.
    fn scalar(&self, name: &str) -> Option<(String, Val)>;
    /// A whole column: its range text and values.
    fn column(&self, name: &str) -> Option<(String, Vec<Val>)>;
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, String> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.expr()?;
    if p.pos != p.toks.len() {
        return Err(format!("unexpected {:?} in {src:?}", p.toks[p.pos]));
    }
    Ok(e)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Op(char),
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let cs: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && cs.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let s = i;
            while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                i += 1;
            }
            let t: String = cs[s..i].iter().collect();
            out.push(Tok::Num(
                t.parse().map_err(|_| format!("bad number {t:?}"))?,
            ));
        } else if c.is_alphabetic() || c == '_' {
            let s = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(cs[s..i].iter().collect()));
        } else if c == '"' {
            let s = i + 1;
            i += 1;
            while i < cs.len() && cs[i] != '"' {
                i += 1;
            }
            if i >= cs.len() {
                return Err(format!("unterminated string in {src:?}"));
            }
            out.push(Tok::Str(cs[s..i].iter().collect()));
            i += 1;
        } else if "+-*/(),".contains(c) {
            out.push(Tok::Op(c));
            i += 1;
        } else {
            return Err(format!("unexpected character {c:?} in {src:?}"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_op(&self, c: char) -> bool {
        self.toks.get(self.pos) == Some(&Tok::Op(c))
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut l = self.term()?;
        while let Some(Tok::Op(c @ ('+' | '-'))) = self.toks.get(self.pos).cloned() {
            self.pos += 1;
            l = Expr::Bin(c, Box::new(l), Box::new(self.term()?));
        }
        Ok(l)
    }

    fn term(&mut self) -> Result<Expr, String> {
        let mut l = self.factor()?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.toks.get(self.pos).cloned() {
            self.pos += 1;
            l = Expr::Bin(c, Box::new(l), Box::new(self.factor()?));
        }
        Ok(l)
    }

    fn factor(&mut self) -> Result<Expr, String> {
        let t = self
            .toks
            .get(self.pos)
            .cloned()
            .ok_or("unexpected end of expression")?;
        self.pos += 1;
        match t {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Op('-') => Ok(Expr::Neg(Box::new(self.factor()?))),
            Tok::Op('(') => {
                let e = self.expr()?;
                if !self.peek_op(')') {
                    return Err("missing ')'".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Tok::Ident(name) if self.peek_op('(') => {
                self.pos += 1;
                let mut args = Vec::new();
                if !self.peek_op(')') {
                    loop {
                        args.push(self.expr()?);
                        if self.peek_op(',') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                if !self.peek_op(')') {
                    return Err(format!("missing ')' after arguments of {name}"));
                }
                self.pos += 1;
                let arity = match name.as_str() {
                    "sum" | "avg" | "min" | "max" | "count" | "abs" => 1,
                    "sumproduct" | "countif" | "round" => 2,
                    "sumif" => 3,
                    _ => return Err(format!("unknown function {name}")),
                };
                if args.len() != arity {
                    return Err(format!("{name} takes {arity} argument(s)"));
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Ident(name) => Ok(Expr::Name(name)),
            Tok::Op(c) => Err(format!("unexpected {c:?}")),
        }
    }
}

impl Expr {
    /// Names this expression reads (columns, key figures, assumptions).
    pub fn names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Name(n) => out.push(n.clone()),
            Expr::Neg(e) => e.names(out),
            Expr::Bin(_, a, b) => {
                a.names(out);
                b.names(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.names(out)),
            Expr::Num(_) | Expr::Str(_) => {}
        }
    }

    /// The Excel formula text (without `=`) and the value, in `scope`.
    pub fn compile(&self, scope: &dyn Scope) -> Result<(String, Val), String> {
        match self {
            Expr::Num(n) => Ok((fmt_num(*n), Val::Num(*n))),
            Expr::Str(s) => Ok((format!("\"{s}\""), Val::Text(s.clone()))),
            Expr::Name(n) => scope.scalar(n).ok_or_else(|| format!("unknown name {n:?}")),
            Expr::Neg(e) => {
                let (f, v) = e.compile(scope)?;
                Ok((format!("-{f}"), Val::Num(-v.num())))
            }
            Expr::Bin(op, a, b) => {
                let (fa, va) = a.compile(scope)?;
                let (fb, vb) = b.compile(scope)?;
                let (x, y) = (va.num(), vb.num());
                let v = match op {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    _ => {
                        if y == 0.0 {
                            return Err(format!("division by zero in {fa}/{fb}"));
                        }
                        x / y
                    }
                };
                let wrap = |e: &Expr, f: String| match e {
                    Expr::Bin(o, ..) if "+-".contains(*o) && "*/".contains(*op) => format!("({f})"),
                    Expr::Bin(..) if *op == '/' || *op == '-' => format!("({f})"),
                    _ => f,
                };
                let fa = match a.as_ref() {
                    Expr::Bin(o, ..) if "+-".contains(*o) && "*/".contains(*op) => {
                        format!("({fa})")
                    }
                    _ => fa,
                };
                Ok((format!("{fa}{op}{}", wrap(b, fb)), Val::Num(v)))
            }
            Expr::Call(name, args) => self.call(name, args, scope),
        }
    }

    fn call(&self, name: &str, args: &[Expr], scope: &dyn Scope) -> Result<(String, Val), String> {
        let col = |e: &Expr| -> Result<(String, Vec<Val>), String> {
            match e {
                Expr::Name(n) => scope
                    .column(n)
                    .ok_or_else(|| format!("{name}: {n:?} is not a column")),
                _ => Err(format!("{name} needs a column name")),
            }
        };
        let crit = |e: &Expr| -> Result<String, String> {
            match e {
                Expr::Str(s) => Ok(s.clone()),
                _ => Err(format!("{name} needs a text criterion")),
            }
        };
        let nums = |v: &[Val]| -> Vec<f64> {
            v.iter()
                .filter_map(|x| if let Val::Num(n) = x { Some(*n) } else { None })
                .collect()
        };
        let eq = |a: &Val, c: &str| matches!(a, Val::Text(t) if t.eq_ignore_ascii_case(c));
        match name {
            "sum" | "avg" | "min" | "max" | "count" => {
                let (r, v) = col(&args[0])?;
                let n = nums(&v);
                let value = match name {
                    "sum" => n.iter().sum(),
                    "count" => n.len() as f64,
                    _ if n.is_empty() => return Err(format!("{name} over an empty column")),
                    "avg" => n.iter().sum::<f64>() / n.len() as f64,
                    "min" => n.iter().copied().fold(f64::INFINITY, f64::min),
                    _ => n.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                };
                let f = match name {
                    "avg" => "AVERAGE",
                    other => &other.to_ascii_uppercase(),
                };
                Ok((format!("{f}({r})"), Val::Num(value)))
            }
            "sumproduct" => {
                let (ra, va) = col(&args[0])?;
                let (rb, vb) = col(&args[1])?;
                let value = va.iter().zip(&vb).map(|(a, b)| a.num() * b.num()).sum();
                Ok((format!("SUMPRODUCT({ra},{rb})"), Val::Num(value)))
            }
            "countif" => {
                let (r, v) = col(&args[0])?;
                let c = crit(&args[1])?;
                let value = v.iter().filter(|x| eq(x, &c)).count() as f64;
                Ok((format!("COUNTIF({r},\"{c}\")"), Val::Num(value)))
            }
            "sumif" => {
                let (r, v) = col(&args[0])?;
                let c = crit(&args[1])?;
                let (rs, vs) = col(&args[2])?;
                let value = v
                    .iter()
                    .zip(&vs)
                    .filter(|(x, _)| eq(x, &c))
                    .map(|(_, s)| s.num())
                    .sum();
                Ok((format!("SUMIF({r},\"{c}\",{rs})"), Val::Num(value)))
            }
            "round" => {
                let (f, v) = args[0].compile(scope)?;
                let digits = match &args[1] {
                    Expr::Num(d) => *d as i32,
                    _ => return Err("round needs a literal digit count".into()),
                };
                let p = 10f64.powi(digits);
                let value = (v.num() * p).round() / p;
                Ok((format!("ROUND({f},{digits})"), Val::Num(value)))
            }
            _ => {
                let (f, v) = args[0].compile(scope)?;
                Ok((format!("ABS({f})"), Val::Num(v.num().abs())))
            }
        }
    }
}

/// Formats a number literal for a formula.
pub fn fmt_num(n: f64) -> String {
    let mut s = String::new();
    if n.fract() == 0.0 && n.abs() < 1e15 {
        let _ = write!(s, "{}", n as i64);
    } else {
        let _ = write!(s, "{n}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    struct T;
    impl Scope for T {
        fn scalar(&self, name: &str) -> Option<(String, Val)> {
            match name {
                "units" => Some(("Data!B2".into(), Val::Num(10.0))),
                "price" => Some(("Data!C2".into(), Val::Num(2.5))),
                "rate" => Some(("Assumptions!$B$2".into(), Val::Num(0.01))),
                _ => None,
            }
        }
        fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
            match name {
                "units" => Some((
                    "Data!B2:B4".into(),
                    vec![Val::Num(10.0), Val::Num(20.0), Val::Num(30.0)],
                )),
                "class" => Some((
                    "Data!A2:A4".into(),
                    vec![
                        Val::Text("Equity".into()),
                        Val::Text("Bond".into()),
                        Val::Text("equity".into()),
                    ],
                )),
                _ => None,
            }
        }
    }

    fn check(src: &str, formula: &str, value: f64) {
        let (f, v) = parse(src).unwrap().compile(&T).unwrap();
        assert_eq!(f, formula, "{src}");
        assert!((v.num() - value).abs() < 1e-9, "{src}: {v:?}");
    }

    #[test]
    fn compiles_to_formula_and_value() {
        check("units * price", "Data!B2*Data!C2", 25.0);
        check("units / sum(units)", "Data!B2/SUM(Data!B2:B4)", 10.0 / 60.0);
        check(
            "(units + price) * rate",
            "(Data!B2+Data!C2)*Assumptions!$B$2",
            0.125,
        );
        check("units - (price - 1)", "Data!B2-(Data!C2-1)", 8.5);
        check(
            "sumif(class, \"Equity\", units)",
            "SUMIF(Data!A2:A4,\"Equity\",Data!B2:B4)",
            40.0,
        );
        check(
            "countif(class, \"Bond\")",
            "COUNTIF(Data!A2:A4,\"Bond\")",
            1.0,
        );
        check("round(avg(units), 0)", "ROUND(AVERAGE(Data!B2:B4),0)", 20.0);
        check(
            "max(units) - min(units)",
            "MAX(Data!B2:B4)-MIN(Data!B2:B4)",
            20.0,
        );
    }

    #[test]
    fn errors_are_reported() {
        for bad in [
            "units *",
            "foo(units)",
            "sum(units, units)",
            "units $ 2",
            "\"x",
            "(units",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("nope + 1").unwrap().compile(&T).is_err());
        assert!(parse("units / 0").unwrap().compile(&T).is_err());
    }
}
