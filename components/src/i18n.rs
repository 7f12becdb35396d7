//! The user's language: translated text (gettext, text domain `offload`) and numbers
//! written the way the user's locale writes them. Only the window turns this on
//! (`init`); command-line output stays in English with plain numbers, as scripts read it.

use std::fmt::Display;
use std::path::Path;
use std::sync::OnceLock;

pub use gettextrs::{gettext, ngettext};

/// The text domain: `offload.mo` files, and the `.pot` in `po/`.
pub const DOMAIN: &str = "offload";

/// Where this build's own translations are: compiled from `po/` beside the build for
/// `cargo run`, or under the prefix an installed build was installed to.
const LOCALE_DIR: &str = env!("OFFLOAD_LOCALE_DIR");

/// How numbers are written: set by `init`, plain (as the command line prints) otherwise.
static NUMBERS: OnceLock<Numbers> = OnceLock::new();

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Numbers {
    /// Between groups of three digits.
    pub thousands: String,
    /// Before the decimals.
    pub decimal: String,
}

impl Numbers {
    /// What the command line prints: "1 000 000", "0.25".
    pub fn plain() -> Self {
        Self {
            thousands: " ".to_owned(),
            decimal: ".".to_owned(),
        }
    }

    /// `number` with its digits grouped in threes.
    pub fn whole(&self, number: u64) -> String {
        let digits = number.to_string();
        let mut grouped = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push_str(&self.thousands);
            }
            grouped.push(digit);
        }
        grouped
    }

    /// `value` as short as it can be written exactly: "1", "0.25".
    pub fn shortest(&self, value: f64) -> String {
        value.to_string().replace('.', &self.decimal)
    }

    /// `value` with `decimals` decimals.
    pub fn decimal(&self, value: f64, decimals: usize) -> String {
        format!("{value:.decimals$}").replace('.', &self.decimal)
    }
}

/// How numbers are written now.
pub fn numbers() -> &'static Numbers {
    NUMBERS.get_or_init(Numbers::plain)
}

/// Speaks the user's language from now on: the locale from the environment, and this
/// build's own translations (under its install prefix, or beside the build), or else
/// those in a `locale` folder of the system's data folders. Its own come first, so that
/// another Offload installed elsewhere never lends it older texts.
/// Call it first thing, before any other thread exists.
pub fn init() {
    // SAFETY: setlocale is not thread-safe; the window calls this at start-up, before
    // GTK, Relm4 or any worker has started a thread that could read the locale.
    unsafe {
        gettextrs::setlocale(gettextrs::LocaleCategory::LcAll, "");
    }
    let own = Path::new(LOCALE_DIR).to_owned();
    let dir = if has_translations(&own) {
        own
    } else {
        relm4::gtk::glib::system_data_dirs()
            .into_iter()
            .map(|dir| dir.join("locale"))
            .find(|dir| has_translations(dir))
            .unwrap_or(own)
    };
    if let Err(error) = gettextrs::bindtextdomain(DOMAIN, dir) {
        tracing::warn!("translations cannot be used: {error}");
    }
    let _ = gettextrs::bind_textdomain_codeset(DOMAIN, "UTF-8");
    let _ = gettextrs::textdomain(DOMAIN);
    let _ = NUMBERS.set(locale_numbers());
}

/// Whether `dir` (a locale folder) holds any of Offload's translations.
fn has_translations(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|languages| {
        languages.filter_map(Result::ok).any(|language| {
            language
                .path()
                .join("LC_MESSAGES")
                .join(format!("{DOMAIN}.mo"))
                .is_file()
        })
    })
}

/// The locale's separators, as `nl_langinfo` gives them.
fn locale_numbers() -> Numbers {
    let item = |item: libc::nl_item| {
        // SAFETY: nl_langinfo returns a pointer to a NUL-terminated string owned by the C
        // library, valid until the locale changes; it is copied at once, and the locale
        // is set only in `init`, before any other thread runs.
        unsafe {
            let text = libc::nl_langinfo(item);
            if text.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(text)
                    .to_string_lossy()
                    .into_owned()
            }
        }
    };
    let decimal = item(libc::RADIXCHAR);
    Numbers {
        thousands: item(libc::THOUSEP),
        decimal: if decimal.is_empty() {
            ".".to_owned()
        } else {
            decimal
        },
    }
}

/// A translated template with each `{name}` replaced by the value of that name, in one
/// pass: a translation may put the placeholders in any order, and a value's own text is
/// never read as a placeholder. An unknown name stays as it is.
pub fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut filled = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = values.iter().find(|(known, _)| *known == name)?;
            Some((value.to_string(), close))
        });
        match named {
            Some((value, close)) => {
                filled.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_by_name_in_any_order() {
        let reordered = fill("{b} then {a}, {unknown} {a}", &[("a", &1), ("b", &"{a}")]);
        assert_eq!(reordered, "{a} then 1, {unknown} 1");
    }

    #[test]
    fn plain_numbers_are_grouped_by_spaces() {
        let plain = Numbers::plain();
        assert_eq!(plain.whole(0), "0");
        assert_eq!(plain.whole(999), "999");
        assert_eq!(plain.whole(1000), "1 000");
        assert_eq!(plain.whole(1_000_000_000_000), "1 000 000 000 000");
        assert_eq!(plain.decimal(0.25, 2), "0.25");
    }

    #[test]
    fn a_locale_s_separators_are_used() {
        let german = Numbers {
            thousands: ".".to_owned(),
            decimal: ",".to_owned(),
        };
        assert_eq!(german.whole(664_579), "664.579");
        assert_eq!(german.decimal(1.5, 1), "1,5");
    }

    #[test]
    fn a_template_without_placeholders_or_with_stray_braces_is_kept() {
        assert_eq!(fill("no blanks", &[("a", &1)]), "no blanks");
        assert_eq!(fill("{ {a", &[("a", &1)]), "{ {a");
    }
}
