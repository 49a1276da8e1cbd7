//! The core's enums as clap values. The core names its choices and says what
//! they mean without depending on clap; this file gives them to the flags
//! (`--runs-on`, `--strategy`, `--fail-on`), value names and help included.

use crate::core::audit::rules::Severity;
use crate::core::migrate::Strategy;
use crate::core::recommend::RunsOn;

/// Implements [`clap::ValueEnum`] for a core enum: each variant and its value
/// on the command line; `help` names the core's method that explains a value.
macro_rules! value_enum {
    ($ty:ident $(help $help:path)? { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),+]
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                let value = match self {
                    $($ty::$variant => clap::builder::PossibleValue::new($name)),+
                };
                $(let value = value.help($help(*self));)?
                Some(value)
            }
        }
    };
}

value_enum!(RunsOn help RunsOn::help {
    Azure => "azure",
    MultiCloud => "multi-cloud",
    Hybrid => "hybrid",
});

value_enum!(Strategy help Strategy::help {
    Auto => "auto",
    InPlace => "in-place",
    NewPool => "new-pool",
});

value_enum!(Severity {
    Info => "info",
    MayMisbehave => "may-misbehave",
    Breaks => "breaks",
});

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn values_match_the_names_the_json_output_uses() {
        for s in Severity::value_variants() {
            assert_eq!(s.to_possible_value().unwrap().get_name(), s.id());
            assert_eq!(serde_json::to_value(s).unwrap(), s.id());
        }
        for r in RunsOn::value_variants() {
            let json = serde_json::to_value(r).unwrap();
            assert_eq!(r.to_possible_value().unwrap().get_name(), json);
        }
        for st in Strategy::value_variants() {
            let json = serde_json::to_value(st).unwrap();
            assert_eq!(st.to_possible_value().unwrap().get_name(), json);
        }
    }
}
