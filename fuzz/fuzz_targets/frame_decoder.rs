//! Feeds arbitrary bytes to the frame decoder, both directions, as a slice and as a
//! stream of frames: it must return errors, never panic, hang or over-allocate.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offload_components::backend::frame::{decode, read_frame, FromChild, ToChild};

fuzz_target!(|data: &[u8]| {
    let _ = decode::<FromChild>(data);
    let _ = decode::<ToChild>(data);
    let mut stream = data;
    while read_frame::<FromChild>(&mut stream).is_ok() {}
    let mut stream = data;
    while read_frame::<ToChild>(&mut stream).is_ok() {}
});
