//! Feeds arbitrary bytes to the frame decoder, both directions, as a slice and as a
//! stream of frames: it must return errors, never panic, hang or over-allocate. The
//! child's reports are decoded with Offload's two kinds of news.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offload_components::job::Progress;
use thread_or_process::frame::{decode, read_frame, FromChild, ToChild};

fuzz_target!(|data: &[u8]| {
    let _ = decode::<FromChild<u64>>(data);
    let _ = decode::<FromChild<Progress>>(data);
    let _ = decode::<ToChild>(data);
    let mut stream = data;
    while read_frame::<FromChild<u64>>(&mut stream).is_ok() {}
    let mut stream = data;
    while read_frame::<ToChild>(&mut stream).is_ok() {}
});
