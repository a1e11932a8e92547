//! The commands. Each file owns its flags and orchestrates the library calls;
//! what they show a person goes through [`crate::ui::Ui`].

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod serve;

use clap::Args as ClapArgs;
use debrief::library::Selection;

/// Which incidents to include, shared by build, serve and check.
#[derive(Debug, Clone, Copy, ClapArgs)]
pub(crate) struct SelectionArgs {
    /// Include drafts.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Leave internal incidents out (for a site published outside the company).
    #[arg(long)]
    pub(crate) public: bool,
}

impl From<SelectionArgs> for Selection {
    fn from(args: SelectionArgs) -> Selection {
        Selection {
            drafts: args.drafts,
            public_only: args.public,
        }
    }
}

/// Checks a `--base-url` value as clap parses it, so a bad one is a usage error.
pub(crate) fn parse_base_url(value: &str) -> Result<String, String> {
    debrief::config::parse_base_url(value).map(|(url, _)| url)
}
