//! `completions` and `man`, generated from the clap definitions so that they
//! never drift from `--help`.

use std::io::Write;

use crate::error::{AppError, Result};

pub fn completions(target: clap_complete::Shell, mut command: clap::Command) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(target, &mut command, "align-link", &mut script);
    if target == clap_complete::Shell::Bash {
        // clap_complete sets a subcommand's state as `align__link__subcmd__X` but
        // looks up `align__subcmd__link__subcmd__X` (the `-` taken for a separator).
        let text = String::from_utf8_lossy(&script);
        script = text.replace("align__subcmd__link", "align__link").into();
    }
    write_stdout(&script);
    0
}

/// Built into the binary, so that an installed copy without the repository has it.
pub fn answers_example() -> i32 {
    write_stdout(include_bytes!("../../examples/answers.toml"));
    0
}

/// The main page, then one section per subcommand.
pub fn man(command: clap::Command) -> Result<i32> {
    let mut page = Vec::new();
    let render = |page: &mut Vec<u8>| -> std::io::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        man.render_title(page)?;
        man.render_name_section(page)?;
        man.render_synopsis_section(page)?;
        man.render_description_section(page)?;
        man.render_options_section(page)?;
        // clap_mangen names each subcommand as a page of its own
        // (align-link-setup(1)), which does not exist: they are sections here.
        writeln!(page, ".SH SUBCOMMANDS")?;
        for sub in command.get_subcommands() {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            let (name, about) = (roff(sub.get_name()), roff(&about));
            writeln!(page, ".TP\n\\fBalign\\-link {name}\\fR\n{about}")?;
        }
        man.render_extra_section(page)?;
        page.write_all(TRAILING_SECTIONS.as_bytes())?;
        man.render_version_section(page)?;
        for sub in command.get_subcommands() {
            let (name, has_options) = (sub.get_name(), sub.get_arguments().next().is_some());
            writeln!(page, ".SH \"ALIGN-LINK {}\"", name.to_uppercase())?;
            let mut sub = sub.clone().name(format!("align-link {name}"));
            sub.build();
            let man = clap_mangen::Man::new(sub);
            let mut section = Vec::new();
            man.render_synopsis_section(&mut section)?;
            man.render_description_section(&mut section)?;
            if has_options {
                man.render_options_section(&mut section)?;
            }
            man.render_extra_section(&mut section)?;
            // Within the command's section, its parts are subsections.
            let section = String::from_utf8_lossy(&section).replace("\n.SH ", "\n.SS ");
            let section = section
                .strip_prefix(".SH ")
                .map_or(section.clone(), |rest| format!(".SS {rest}"));
            page.write_all(section.as_bytes())?;
        }
        Ok(())
    };
    render(&mut page)
        .map_err(|err| AppError::failed(format!("cannot render the manual page: {err}")))?;
    write_stdout(&page);
    Ok(0)
}

/// Hyphens escaped too: else they are typeset as hyphens, not minus signs a reader
/// can copy.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    match escaped.chars().next() {
        Some('.' | '\'') => format!("\\&{escaped}"),
        _ => escaped,
    }
}

const TRAILING_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Every requested step is done or waits only on guided Jira Align steps; no doctor check failed.
.TP
\fB1\fR
A step failed; \fBstatus\fR while a step's last run failed; \fBdoctor\fR when a check failed.
.TP
\fB2\fR
Bad usage, a bad answers file, a missing answer that could not be asked, or an unknown profile.
.TP
\fB130\fR
Interrupted with Ctrl\-C.
.SH ENVIRONMENT
.TP
\fBXDG_STATE_HOME\fR
Where the profiles' state directories are made (else \fI~/.local/state\fR).
.TP
\fBXDG_CONFIG_HOME\fR
Where the profiles' config files are read (else \fI~/.config\fR).
.TP
\fBHTTPS_PROXY\fR, \fBALL_PROXY\fR, \fBNO_PROXY\fR
The proxy for https:// URLs, and the hosts reached directly. Loopback and http:// URLs never go through a proxy.
.TP
\fBBROWSER\fR
The program that opens Jira's authorize page.
.TP
\fBCOLUMNS\fR
The width text is wrapped to when the output is not a terminal (else 80).
.TP
\fBTMPDIR\fR
Where \fB\-\-sandbox\fR keeps its temporary state.
.PP
Secrets in an answers file may be given as \fB{ env = "NAME" }\fR: the variable NAME holds the value.
.SH FILES
.TP
\fI$XDG_STATE_HOME/align\-link/PROFILE/\fR
The profile's state directory (0700): \fIstate.toml\fR (each step's outcome and the facts), \fIprivate\-key.pem\fR and \fIaccess\-token.toml\fR (0600), and the run lock.
.TP
\fI$XDG_CONFIG_HOME/align\-link/PROFILE.toml\fR
The profile's config file: an answers file read when \fB\-\-answers\fR is not given.
"#;

/// Through the same rule as every other output: a closed pipe ends quietly.
fn write_stdout(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    crate::ui::out(text);
}
