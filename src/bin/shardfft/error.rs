//! The CLI's error: one line of text, printed as `shardfft: error: ...` with exit status 2.

use std::fmt;

/// Something that went wrong, already worded for the user.
#[derive(Debug)]
pub struct CliError(String);

impl CliError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        CliError(message.into())
    }

    /// The same error with `what: ` in front.
    pub fn context(self, what: &str) -> Self {
        CliError(format!("{what}: {}", self.0))
    }
}

impl From<shardfft::Error> for CliError {
    fn from(e: shardfft::Error) -> Self {
        CliError(e.to_string())
    }
}

/// The message on one line (any newlines folded into "; ").
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<&str> = self.0.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        f.write_str(&lines.join("; "))
    }
}
