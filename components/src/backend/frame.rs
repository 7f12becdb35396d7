//! The frame protocol spoken on the worker child's stdin and stdout.
//!
//! A frame is a 4-byte little-endian length, then exactly that many bytes holding one
//! postcard-encoded message. A length over `MAX_FRAME_LEN` is refused before anything
//! is allocated for it. Each side's first frame is `Hello`; a side that hears another
//! protocol version than its own refuses to go on. Decoding never panics.

use std::io::{self, Read, Write};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::net::unix::pipe;

use super::kind::WorkerKind;
use crate::fault::Strike;
use crate::worker::{WorkerInput, WorkerOutput};

/// Bumped whenever a message below (or a type it carries) changes shape; the test
/// `every_message_has_the_bytes_of_this_protocol_version` fails until it is.
pub const PROTOCOL_VERSION: u32 = 3;
/// No message comes near this; anything longer is a broken or hostile peer.
pub const MAX_FRAME_LEN: u32 = 4096;
const LENGTH_PREFIX: usize = 4;

/// Parent to child.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToChild {
    Hello {
        protocol: u32,
    },
    /// What to do; sent once, right after `Hello`.
    Begin(ChildPlan),
    Command(WorkerInput),
}

/// What the child's worker is to do, as the thread backend's `WorkerInit` would say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildPlan {
    pub kind: WorkerKind,
    pub report_interval: Duration,
    pub running: bool,
    pub fault: Option<Strike>,
}

/// Child to parent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromChild {
    Hello { protocol: u32 },
    Report(WorkerOutput),
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the pipe was closed")]
    Closed,
    #[error("a frame was cut short")]
    Truncated,
    #[error("a frame of {0} bytes is over the {MAX_FRAME_LEN}-byte limit")]
    TooLong(u32),
    #[error("a frame could not be decoded: {0}")]
    Malformed(String),
    #[error("the pipe failed: {0}")]
    Io(#[from] io::Error),
}

/// Encodes `message` as one frame.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, FrameError> {
    let body =
        postcard::to_allocvec(message).map_err(|error| FrameError::Malformed(error.to_string()))?;
    let length = u32::try_from(body.len())
        .ok()
        .filter(|length| *length <= MAX_FRAME_LEN)
        .ok_or(FrameError::TooLong(u32::MAX))?;
    let mut frame = Vec::with_capacity(LENGTH_PREFIX + body.len());
    frame.extend_from_slice(&length.to_le_bytes());
    frame.extend_from_slice(&body);
    Ok(frame)
}

pub fn write_frame<T: Serialize>(writer: &mut impl Write, message: &T) -> Result<(), FrameError> {
    writer.write_all(&encode(message)?)?;
    writer.flush()?;
    Ok(())
}

/// Reads one whole frame; `Closed` when the pipe ends cleanly between two frames.
pub fn read_frame<T: DeserializeOwned>(reader: &mut impl Read) -> Result<T, FrameError> {
    let mut prefix = [0u8; LENGTH_PREFIX];
    match read_full(reader, &mut prefix)? {
        0 => return Err(FrameError::Closed),
        LENGTH_PREFIX => {}
        _ => return Err(FrameError::Truncated),
    }
    let length = checked_length(prefix)?;
    let mut body = vec![0u8; length];
    if read_full(reader, &mut body)? != length {
        return Err(FrameError::Truncated);
    }
    decode_body(&body)
}

/// `read_frame` for a pipe read without blocking a thread.
pub async fn read_frame_async<T: DeserializeOwned>(
    reader: &mut pipe::Receiver,
) -> Result<T, FrameError> {
    let mut prefix = [0u8; LENGTH_PREFIX];
    match read_full_async(reader, &mut prefix).await? {
        0 => return Err(FrameError::Closed),
        LENGTH_PREFIX => {}
        _ => return Err(FrameError::Truncated),
    }
    let length = checked_length(prefix)?;
    let mut body = vec![0u8; length];
    if read_full_async(reader, &mut body).await? != length {
        return Err(FrameError::Truncated);
    }
    decode_body(&body)
}

/// Decodes the first frame in `bytes`; returns it and how many bytes it took.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<(T, usize), FrameError> {
    let Some((prefix, rest)) = bytes.split_first_chunk::<LENGTH_PREFIX>() else {
        return Err(if bytes.is_empty() {
            FrameError::Closed
        } else {
            FrameError::Truncated
        });
    };
    let length = checked_length(*prefix)?;
    let body = rest.get(..length).ok_or(FrameError::Truncated)?;
    Ok((decode_body(body)?, LENGTH_PREFIX + length))
}

fn checked_length(prefix: [u8; LENGTH_PREFIX]) -> Result<usize, FrameError> {
    let length = u32::from_le_bytes(prefix);
    if length > MAX_FRAME_LEN {
        return Err(FrameError::TooLong(length));
    }
    usize::try_from(length).map_err(|_| FrameError::TooLong(length))
}

/// A body must hold exactly one message: trailing bytes mean the peer is confused.
fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, FrameError> {
    let (message, rest) = postcard::take_from_bytes(body)
        .map_err(|error| FrameError::Malformed(error.to_string()))?;
    if rest.is_empty() {
        Ok(message)
    } else {
        Err(FrameError::Malformed(format!(
            "{} bytes after the message",
            rest.len()
        )))
    }
}

/// Like `read_exact`, but reports how much it got before the end of the stream.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

async fn read_full_async(reader: &mut pipe::Receiver, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        reader.readable().await?;
        match reader.try_read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::FaultKind;
    use crate::worker::Progress;
    use proptest::prelude::*;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(message: T) {
        let frame = encode(&message).expect("encodes");
        let (decoded, used) = decode::<T>(&frame).expect("decodes");
        assert_eq!(decoded, message);
        assert_eq!(used, frame.len());
        let read: T = read_frame(&mut frame.as_slice()).expect("reads");
        assert_eq!(read, message);
    }

    /// One of every message the parent sends, every variant of what they carry included.
    fn to_child_messages() -> Vec<ToChild> {
        let mut messages = vec![
            ToChild::Hello { protocol: 3 },
            ToChild::Begin(ChildPlan {
                kind: WorkerKind::Counter {
                    delay: Duration::from_millis(1500),
                    first_number: 41,
                    limit: Some(3),
                },
                report_interval: Duration::from_millis(50),
                running: true,
                fault: Some(Strike {
                    kind: FaultKind::Garbage,
                    at: 7,
                }),
            }),
            ToChild::Begin(ChildPlan {
                kind: WorkerKind::PrimesPart {
                    start: 5,
                    end: 300,
                    niceness: 10,
                },
                report_interval: Duration::ZERO,
                running: false,
                fault: None,
            }),
        ];
        let inputs = [
            WorkerInput::Start,
            WorkerInput::Pause,
            WorkerInput::Reset,
            WorkerInput::Shutdown,
        ];
        messages.extend(inputs.map(ToChild::Command));
        messages
    }

    /// One of every message the child sends, every report included.
    fn from_child_messages() -> Vec<FromChild> {
        let progress = Progress {
            done: 1,
            total: 2,
            found: 3,
        };
        let reports = [
            WorkerOutput::Counted(300),
            WorkerOutput::Cleared,
            WorkerOutput::Paused { last: None },
            WorkerOutput::Finished { last: Some(3) },
            WorkerOutput::Stopped { last: Some(0) },
            WorkerOutput::JobProgress(progress),
            WorkerOutput::JobDone(progress),
            WorkerOutput::Crashed {
                reason: "boom".into(),
            },
        ];
        let mut messages = vec![FromChild::Hello { protocol: 3 }];
        messages.extend(reports.map(FromChild::Report));
        messages
    }

    #[test]
    fn every_message_survives_a_round_trip() {
        to_child_messages().into_iter().for_each(round_trip);
        from_child_messages().into_iter().for_each(round_trip);
    }

    /// The exact bytes of protocol 3. A change here is a change of protocol: bump
    /// `PROTOCOL_VERSION`, update these bytes and docs/frame-protocol.md together.
    #[test]
    fn every_message_has_the_bytes_of_this_protocol_version() {
        assert_eq!(PROTOCOL_VERSION, 3, "update the pinned bytes below too");
        let to_child: &[&[u8]] = &[
            &[2, 0, 0, 0, 0, 3],
            // Begin, Counter: delay 1.5 s as (secs, nanos) varints, first 41, limit Some(3),
            // report interval (0, 50 000 000), running, fault Some(Garbage at 7).
            &[
                20, 0, 0, 0, 1, 0, 1, 128, 202, 181, 238, 1, 41, 1, 3, 0, 128, 225, 235, 23, 1, 1,
                4, 7,
            ],
            // Begin, PrimesPart 5..300 at niceness 10, report interval zero, not
            // running, no fault.
            &[10, 0, 0, 0, 1, 1, 5, 172, 2, 10, 0, 0, 0, 0],
            &[2, 0, 0, 0, 2, 0],
            &[2, 0, 0, 0, 2, 1],
            &[2, 0, 0, 0, 2, 2],
            &[2, 0, 0, 0, 2, 3],
        ];
        let from_child: &[&[u8]] = &[
            &[2, 0, 0, 0, 0, 3],
            &[4, 0, 0, 0, 1, 0, 172, 2],
            &[2, 0, 0, 0, 1, 1],
            &[3, 0, 0, 0, 1, 2, 0],
            &[4, 0, 0, 0, 1, 3, 1, 3],
            &[4, 0, 0, 0, 1, 4, 1, 0],
            &[5, 0, 0, 0, 1, 5, 1, 2, 3],
            &[5, 0, 0, 0, 1, 6, 1, 2, 3],
            &[7, 0, 0, 0, 1, 7, 4, 98, 111, 111, 109],
        ];
        assert_eq!(frames(&to_child_messages()), to_child, "parent to child");
        assert_eq!(
            frames(&from_child_messages()),
            from_child,
            "child to parent"
        );
    }

    fn frames<T: Serialize>(messages: &[T]) -> Vec<Vec<u8>> {
        messages
            .iter()
            .map(|message| encode(message).expect("encodes"))
            .collect()
    }

    #[test]
    fn clean_end_between_frames_is_closed() {
        assert!(matches!(
            read_frame::<FromChild>(&mut &[][..]),
            Err(FrameError::Closed)
        ));
    }

    #[test]
    fn end_inside_a_frame_is_truncated() {
        let frame = encode(&FromChild::Report(WorkerOutput::Counted(7))).expect("encodes");
        for cut in 1..frame.len() {
            let result = read_frame::<FromChild>(&mut &frame[..cut]);
            assert!(
                matches!(result, Err(FrameError::Truncated)),
                "cut at {cut}: {result:?}"
            );
        }
    }

    #[test]
    fn oversized_length_is_refused_before_reading_the_body() {
        let mut reader = &u32::MAX.to_le_bytes()[..];
        assert!(matches!(
            read_frame::<FromChild>(&mut reader),
            Err(FrameError::TooLong(u32::MAX))
        ));
    }

    #[test]
    fn trailing_bytes_in_a_body_are_malformed() {
        let mut frame = encode(&FromChild::Report(WorkerOutput::Cleared)).expect("encodes");
        frame.push(0);
        frame[0] += 1;
        assert!(matches!(
            decode::<FromChild>(&frame),
            Err(FrameError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode::<FromChild>(&bytes);
            let _ = decode::<ToChild>(&bytes);
            let _ = read_frame::<FromChild>(&mut bytes.as_slice());
        }

        #[test]
        fn a_valid_length_prefix_with_random_body_never_panics(body in proptest::collection::vec(any::<u8>(), 0..128)) {
            let mut frame = (body.len() as u32).to_le_bytes().to_vec();
            frame.extend_from_slice(&body);
            let _ = decode::<FromChild>(&frame);
            let _ = read_frame::<ToChild>(&mut frame.as_slice());
        }

        #[test]
        fn counted_numbers_round_trip(number in any::<u64>()) {
            let frame = encode(&FromChild::Report(WorkerOutput::Counted(number))).expect("encodes");
            let (decoded, _) = decode::<FromChild>(&frame).expect("decodes");
            prop_assert_eq!(decoded, FromChild::Report(WorkerOutput::Counted(number)));
        }

        #[test]
        fn a_corrupted_frame_is_an_error_or_another_message_never_a_panic(
            number in any::<u64>(), index in 0usize..16, value in any::<u8>()
        ) {
            let mut frame = encode(&FromChild::Report(WorkerOutput::Counted(number))).expect("encodes");
            let index = index % frame.len();
            frame[index] = value;
            let _ = decode::<FromChild>(&frame);
        }
    }
}
