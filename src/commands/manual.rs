//! `align-link completions SHELL` and `align-link man`: generated from the clap
//! definitions (clap_complete, clap_mangen), so they never drift from `--help`.

use std::io::Write;

use crate::error::{AppError, Result};

pub fn completions(target: clap_complete::Shell, mut command: clap::Command) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(target, &mut command, "align-link", &mut script);
    if target == clap_complete::Shell::Bash {
        script = bash_names_matched(&String::from_utf8_lossy(&script)).into_bytes();
    }
    write_stdout(&script);
    0
}

/// clap_complete's bash script names a subcommand's state `align__link__subcmd__X`
/// where it sets it but `align__subcmd__link__subcmd__X` where it looks it up (the
/// `-` in the binary's name is taken for a subcommand separator there), so
/// `align-link status --<TAB>` completed nothing. One spelling for both.
fn bash_names_matched(script: &str) -> String {
    script.replace("align__subcmd__link", "align__link")
}

/// The manual page: the main page, then one section per subcommand.
pub fn man(command: clap::Command) -> Result<i32> {
    let mut page = Vec::new();
    let render = |page: &mut Vec<u8>| -> std::io::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        man.render(page)?;
        for sub in command.get_subcommands() {
            let name = sub.get_name();
            writeln!(page, ".SH \"ALIGN-LINK {}\"", name.to_uppercase())?;
            let mut sub = sub.clone().name(format!("align-link {name}"));
            sub.build();
            let man = clap_mangen::Man::new(sub);
            let mut section = Vec::new();
            man.render_synopsis_section(&mut section)?;
            man.render_description_section(&mut section)?;
            if sub_has_options(&command, name) {
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

fn sub_has_options(command: &clap::Command, name: &str) -> bool {
    command
        .find_subcommand(name)
        .is_some_and(|sub| sub.get_arguments().next().is_some())
}

/// Through the same rule as every other output: a closed pipe ends quietly.
fn write_stdout(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    crate::ui::out(text);
}
