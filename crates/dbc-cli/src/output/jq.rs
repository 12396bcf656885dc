//! `--jq EXPR`: filter JSON output with jaq (a jq implementation in Rust), as `gh --jq` does:
//! every output value on its own line, strings without quotes, other values as compact JSON.

use crate::error::{CliError, CliResult};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, Compiler, Ctx, Vars};
use jaq_json::Val;

/// A checked jq expression.
#[derive(Debug, Clone)]
pub struct JqProgram {
    expr: String,
}

fn bad_expr(expr: &str, why: String) -> CliError {
    CliError::Usage(format!(
        "--jq `{expr}` is not a valid jq expression: {why} (see https://jqlang.org/manual for the language)"
    ))
}

fn excerpt(rest: &str) -> String {
    let t: String = rest.chars().take(20).collect();
    if t.is_empty() {
        "the end".to_owned()
    } else {
        format!("`{t}`")
    }
}

impl JqProgram {
    /// Checks that `expr` parses and compiles.
    ///
    /// # Errors
    /// A syntax error or an undefined filter/variable (usage error, nothing is sent).
    pub fn compile(expr: &str) -> CliResult<JqProgram> {
        let p = JqProgram {
            expr: expr.to_owned(),
        };
        p.run_inputs(&[])?;
        Ok(p)
    }

    /// Runs the filter on one JSON document; one output line per output value.
    ///
    /// # Errors
    /// `text` is not JSON, or the filter fails on it (e.g. `.a` on an array).
    pub fn run(&self, text: &str) -> CliResult<Vec<String>> {
        self.run_inputs(&[text])
    }

    /// Runs the filter on each JSON document in turn (compiled once).
    ///
    /// # Errors
    /// A document is not JSON, or the filter fails on one.
    pub fn run_many(&self, inputs: &[&str]) -> CliResult<Vec<String>> {
        self.run_inputs(inputs)
    }

    /// Compiles once and runs the filter on each JSON document in turn.
    ///
    /// # Errors
    /// An input is not JSON, or the filter fails at run time.
    fn run_inputs(&self, inputs: &[&str]) -> CliResult<Vec<String>> {
        let expr = self.expr.as_str();
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(
                &arena,
                File {
                    code: expr,
                    path: (),
                },
            )
            .map_err(|errs| {
                let why = errs
                    .into_iter()
                    .map(|(_, e)| match e {
                        jaq_core::load::Error::Io(v) => v
                            .into_iter()
                            .map(|(p, m)| format!("cannot load {p}: {m}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                        jaq_core::load::Error::Lex(v) => v
                            .into_iter()
                            .map(|(exp, rest)| format!("expected {exp:?} at {}", excerpt(rest)))
                            .collect::<Vec<_>>()
                            .join("; "),
                        jaq_core::load::Error::Parse(v) => v
                            .into_iter()
                            .map(|(exp, rest)| format!("expected {exp:?} at {}", excerpt(rest)))
                            .collect::<Vec<_>>()
                            .join("; "),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                bad_expr(expr, why)
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let why = errs
                    .into_iter()
                    .flat_map(|(_, v)| v)
                    .map(|(name, kind)| format!("undefined {kind:?} `{name}`"))
                    .collect::<Vec<_>>()
                    .join("; ");
                bad_expr(expr, why)
            })?;
        let mut lines = Vec::new();
        for text in inputs {
            let input = jaq_json::read::parse_single(text.as_bytes())
                .map_err(|e| CliError::Failed(format!("--jq: the output is not JSON: {e}")))?;
            let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
            for out in filter.id.run((ctx, input)) {
                match out {
                    Ok(v) => lines.push(show(&v)),
                    Err(exn) => match exn.get_err() {
                        Ok(e) => {
                            return Err(CliError::Failed(format!("--jq `{expr}` failed: {e}")))
                        }
                        // `halt` / `halt_error`: stop here.
                        Err(other) => match other.get_halt() {
                            Ok(0) => return Ok(lines),
                            Ok(code) => {
                                return Err(CliError::Failed(format!(
                                    "--jq `{expr}` halted with exit code {code}"
                                )))
                            }
                            Err(_) => {
                                return Err(CliError::Failed(format!("--jq `{expr}` failed")))
                            }
                        },
                    },
                }
            }
        }
        Ok(lines)
    }
}

/// A string without quotes; anything else as compact JSON.
fn show(v: &Val) -> String {
    match v {
        Val::TStr(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expr: &str, input: &str) -> Vec<String> {
        match JqProgram::compile(expr).and_then(|p| p.run(input)) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn strings_raw_values_compact() {
        assert_eq!(run(".[].id", r#"[{"id":"a"},{"id":"b"}]"#), vec!["a", "b"]);
        assert_eq!(
            run(".[] | {id}", r#"[{"id":"a","x":1}]"#),
            vec![r#"{"id":"a"}"#]
        );
        assert_eq!(run("map(.n) | add", r#"[{"n":1},{"n":2}]"#), vec!["3"]);
        assert_eq!(
            run("select(.ok) | .node", r#"{"ok":false,"node":"x"}"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bad_expressions_are_usage_errors() {
        for bad in [".[", "nosuchfilter", "$undefined", ".a |"] {
            match JqProgram::compile(bad) {
                Err(CliError::Usage(m)) => assert!(m.contains("--jq"), "{m}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn runtime_errors_and_halt() {
        let p = JqProgram::compile(".a").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(p.run("[1]"), Err(CliError::Failed(_))));
        let h = JqProgram::compile("1, halt, 2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.run("null").unwrap_or_default(), vec!["1"]);
    }
}
