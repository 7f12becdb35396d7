//! `offload compare`: the Compare view's measurements on the command line, as a table
//! with the summary under it, or JSON. Its workers need no display and no session bus.

use offload_components::compare::{self, Interrupted, Plan};
use offload_components::kinds;
use relm4::gtk::glib;

pub fn run(json: bool, quick: bool) -> Result<(), String> {
    let plan = if quick { Plan::QUICK } else { Plan::FULL };
    let launcher = kinds::launcher();
    let comparison = glib::MainContext::default()
        .block_on(compare::compare(
            &launcher,
            plan,
            |_| {},
            || false,
            // No window: the job's progress is made into its text, and not drawn.
            drop,
        ))
        .map_err(|interrupted| match interrupted {
            Interrupted::Failed(reason) => format!("the comparison failed: {reason}"),
            Interrupted::Cancelled => "the comparison was cancelled".to_owned(),
        })?;
    if json {
        println!("{}", compare::json(&comparison));
    } else {
        print!("{}", compare::as_text(&comparison));
    }
    Ok(())
}
