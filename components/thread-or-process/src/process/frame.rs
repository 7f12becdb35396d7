//! The frame protocol spoken on the worker child's stdin and stdout.
//!
//! A frame is a 4-byte little-endian length, then exactly that many bytes holding one
//! postcard-encoded message. A length over `MAX_FRAME_LEN` is refused before anything
//! is allocated for it. Each side's first frame is `Hello`, an envelope with the
//! library's protocol version and the app's version of its kinds; a side that hears
//! another envelope than its own refuses to go on. Decoding never panics.

use std::io::{self, Read, Write};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::net::unix::pipe;

use crate::report::{Command, Report};

/// The library's protocol: bumped whenever a message below (or a type it carries)
/// changes shape. The test `every_message_has_the_bytes_of_this_protocol_version` fails
/// until it is.
pub const PROTOCOL_VERSION: u32 = 4;
/// No message of the library's comes near this; a kind's own message (its parameters, its
/// news) must stay under it too. Anything longer is a broken or hostile peer.
pub const MAX_FRAME_LEN: u32 = 64 * 1024;
const LENGTH_PREFIX: usize = 4;

/// Who a side is: the library's protocol, and the app's own version of its kinds. A
/// parent and a child go on only when both are the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// [`PROTOCOL_VERSION`] of the side's library.
    pub protocol: u32,
    /// What the app said with [`ChildCommand::new`](crate::ChildCommand::new).
    pub app_version: u32,
}

/// Parent to child.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToChild {
    /// The first frame.
    Hello(Envelope),
    /// What to do; sent once, right after `Hello`.
    Begin(ChildPlan),
    /// A command for the child's worker.
    Command(Command),
}

/// What the child's worker is to do, as the thread backend would be told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildPlan {
    /// The kind's [`Kind::NAME`](crate::Kind::NAME).
    pub kind: String,
    /// The kind itself, postcard-encoded.
    pub params: Vec<u8>,
    /// Shortest time between two reports of news.
    pub report_interval: Duration,
    /// Start working at once.
    pub running: bool,
    /// Confine the child before it runs the task (only the bench's measure of what the
    /// sandbox costs says no).
    pub confined: bool,
}

impl ChildPlan {
    /// The plan for a confined worker doing `kind`.
    pub fn new<K: crate::Kind>(kind: &K, report_interval: Duration, running: bool) -> Self {
        Self {
            kind: K::NAME.to_owned(),
            params: postcard::to_allocvec(kind).expect("a kind encodes into memory"),
            report_interval,
            running,
            confined: true,
        }
    }
}

/// Child to parent; `N` is the kind's news.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromChild<N> {
    /// The first frame: who the child is (sent even when it refuses its parent).
    Hello(Envelope),
    /// A report of the child's worker, passed on as it is.
    Report(Report<N>),
}

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The pipe ended cleanly between two frames.
    #[error("the pipe was closed")]
    Closed,
    /// The pipe ended inside a frame.
    #[error("a frame was cut short")]
    Truncated,
    /// A length prefix over [`MAX_FRAME_LEN`].
    #[error("a frame of {0} bytes is over the {MAX_FRAME_LEN}-byte limit")]
    TooLong(u32),
    /// A body that is not exactly one message.
    #[error("a frame could not be decoded: {0}")]
    Malformed(String),
    /// Reading or writing the pipe failed.
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
        .ok_or(FrameError::TooLong(
            u32::try_from(body.len()).unwrap_or(u32::MAX),
        ))?;
    let mut frame = Vec::with_capacity(LENGTH_PREFIX + body.len());
    frame.extend_from_slice(&length.to_le_bytes());
    frame.extend_from_slice(&body);
    Ok(frame)
}

/// Writes `message` as one frame, and flushes.
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
pub(crate) async fn read_frame_async<T: DeserializeOwned>(
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
    use crate::report::CrashReason;
    use proptest::prelude::*;

    /// A test kind's news: what any app's news could look like.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Tally {
        done: u64,
        label: String,
    }

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(message: T) {
        let frame = encode(&message).expect("encodes");
        let (decoded, used) = decode::<T>(&frame).expect("decodes");
        assert_eq!(decoded, message);
        assert_eq!(used, frame.len());
        let read: T = read_frame(&mut frame.as_slice()).expect("reads");
        assert_eq!(read, message);
    }

    const ENVELOPE: Envelope = Envelope {
        protocol: 4,
        app_version: 7,
    };

    /// One of every message the parent sends.
    fn to_child_messages() -> Vec<ToChild> {
        let mut messages = vec![
            ToChild::Hello(ENVELOPE),
            ToChild::Begin(ChildPlan {
                kind: "tally".into(),
                params: vec![1, 2, 3],
                report_interval: Duration::from_millis(50),
                running: true,
                confined: true,
            }),
        ];
        let commands = [
            Command::Start,
            Command::Pause,
            Command::Reset,
            Command::Shutdown,
        ];
        messages.extend(commands.map(ToChild::Command));
        messages
    }

    /// One of every message the child sends, every report and crash reason included.
    fn from_child_messages() -> Vec<FromChild<Tally>> {
        let tally = Tally {
            done: 300,
            label: "ab".into(),
        };
        let reports = [
            Report::Started,
            Report::News(tally.clone()),
            Report::Paused(None),
            Report::Cleared,
            Report::Finished(Some(tally.clone())),
            Report::Stopped(Some(tally)),
            Report::Crashed(CrashReason::Panicked),
            Report::Crashed(CrashReason::KilledBySignal(9)),
            Report::Crashed(CrashReason::ExitedWithStatus(3)),
            Report::Crashed(CrashReason::BrokeProtocol),
            Report::Crashed(CrashReason::DidNotAnswer),
            Report::Crashed(CrashReason::Incompatible {
                protocol: 3,
                app_version: 1,
            }),
            Report::Crashed(CrashReason::CouldNotStart { errno: Some(2) }),
        ];
        let mut messages = vec![FromChild::Hello(ENVELOPE)];
        messages.extend(reports.map(FromChild::Report));
        messages
    }

    #[test]
    fn every_message_survives_a_round_trip() {
        to_child_messages().into_iter().for_each(round_trip);
        from_child_messages().into_iter().for_each(round_trip);
    }

    /// The exact bytes of protocol 4. A change here is a change of protocol: bump
    /// `PROTOCOL_VERSION`, update these bytes and docs/frame-protocol.md together.
    #[test]
    fn every_message_has_the_bytes_of_this_protocol_version() {
        assert_eq!(PROTOCOL_VERSION, 4, "update the pinned bytes below too");
        let to_child: &[&[u8]] = &[
            // Hello: protocol 4, app version 7.
            &[3, 0, 0, 0, 0, 4, 7],
            // Begin: kind "tally", params [1, 2, 3], report interval (0 s, 50 000 000 ns)
            // as varints, running, confined.
            &[
                18, 0, 0, 0, 1, 5, 116, 97, 108, 108, 121, 3, 1, 2, 3, 0, 128, 225, 235, 23, 1, 1,
            ],
            &[2, 0, 0, 0, 2, 0],
            &[2, 0, 0, 0, 2, 1],
            &[2, 0, 0, 0, 2, 2],
            &[2, 0, 0, 0, 2, 3],
        ];
        let from_child: &[&[u8]] = &[
            &[3, 0, 0, 0, 0, 4, 7],
            &[2, 0, 0, 0, 1, 0],
            // News: the kind's own news, as postcard encodes it (300, "ab").
            &[7, 0, 0, 0, 1, 1, 172, 2, 2, 97, 98],
            &[3, 0, 0, 0, 1, 2, 0],
            &[2, 0, 0, 0, 1, 3],
            &[8, 0, 0, 0, 1, 4, 1, 172, 2, 2, 97, 98],
            &[8, 0, 0, 0, 1, 5, 1, 172, 2, 2, 97, 98],
            &[3, 0, 0, 0, 1, 6, 0],
            &[4, 0, 0, 0, 1, 6, 1, 18],
            &[4, 0, 0, 0, 1, 6, 2, 6],
            &[3, 0, 0, 0, 1, 6, 3],
            &[3, 0, 0, 0, 1, 6, 4],
            &[5, 0, 0, 0, 1, 6, 5, 3, 1],
            &[5, 0, 0, 0, 1, 6, 6, 1, 4],
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
            read_frame::<FromChild<u64>>(&mut &[][..]),
            Err(FrameError::Closed)
        ));
    }

    #[test]
    fn end_inside_a_frame_is_truncated() {
        let frame = encode(&FromChild::Report(Report::News(7u64))).expect("encodes");
        for cut in 1..frame.len() {
            let result = read_frame::<FromChild<u64>>(&mut &frame[..cut]);
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
            read_frame::<FromChild<u64>>(&mut reader),
            Err(FrameError::TooLong(u32::MAX))
        ));
    }

    #[test]
    fn a_message_over_the_limit_is_not_encoded() {
        let news = vec![0u8; MAX_FRAME_LEN as usize];
        assert!(matches!(
            encode(&FromChild::Report(Report::News(news))),
            Err(FrameError::TooLong(_))
        ));
    }

    #[test]
    fn trailing_bytes_in_a_body_are_malformed() {
        let mut frame = encode(&FromChild::<u64>::Report(Report::Cleared)).expect("encodes");
        frame.push(0);
        frame[0] += 1;
        assert!(matches!(
            decode::<FromChild<u64>>(&frame),
            Err(FrameError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode::<FromChild<Tally>>(&bytes);
            let _ = decode::<ToChild>(&bytes);
            let _ = read_frame::<FromChild<u64>>(&mut bytes.as_slice());
        }

        #[test]
        fn a_valid_length_prefix_with_random_body_never_panics(body in proptest::collection::vec(any::<u8>(), 0..128)) {
            let mut frame = (body.len() as u32).to_le_bytes().to_vec();
            frame.extend_from_slice(&body);
            let _ = decode::<FromChild<Tally>>(&frame);
            let _ = read_frame::<ToChild>(&mut frame.as_slice());
        }

        #[test]
        fn news_round_trips(number in any::<u64>()) {
            let frame = encode(&FromChild::Report(Report::News(number))).expect("encodes");
            let (decoded, _) = decode::<FromChild<u64>>(&frame).expect("decodes");
            prop_assert_eq!(decoded, FromChild::Report(Report::News(number)));
        }

        #[test]
        fn a_corrupted_frame_is_an_error_or_another_message_never_a_panic(
            number in any::<u64>(), index in 0usize..16, value in any::<u8>()
        ) {
            let mut frame = encode(&FromChild::Report(Report::News(number))).expect("encodes");
            let index = index % frame.len();
            frame[index] = value;
            let _ = decode::<FromChild<u64>>(&frame);
        }
    }
}
