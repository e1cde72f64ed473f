//! Evidence photos (现场照片) for inspection findings and rectifications: what is accepted is
//! decided by the file's own bytes, never by its name or the type the browser claims.

/// The largest photo accepted, before it is re-encoded (a phone camera's JPEG is 2–6 MB).
pub const MAX_BYTES: usize = 12 * 1024 * 1024;
/// Larger pictures are refused before decoding: a small file may claim a huge canvas.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The stored photo's longest side; enough to read a ledger page, small enough for a phone.
pub const STORED_EDGE: u32 = 1600;
/// The thumbnail's longest side.
pub const THUMB_EDGE: u32 = 240;
/// Photos per inspection item or rectification.
pub const MAX_PER_SUBJECT: i64 = 9;

pub const KEY_NOT_A_PHOTO: &str = "error.photo_type";
pub const KEY_TOO_LARGE: &str = "error.photo_too_large";
pub const KEY_TOO_MANY: &str = "error.photo_too_many";

/// The picture formats a phone produces that we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

/// The format from the magic bytes, or `None` (SVG, HTML, PDF, HEIC… are all refused).
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(PhotoFormat::Webp)
    } else {
        None
    }
}

/// Width and height scaled so the longest side is at most `edge` (never enlarged).
pub fn fit(width: u32, height: u32, edge: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= edge || longest == 0 {
        return (width, height);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(edge)) / u64::from(longest)).max(1) as u32;
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(PhotoFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(PhotoFormat::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(PhotoFormat::Webp));
        for bad in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..],
            b"<html><script>alert(1)</script>",
            b"%PDF-1.7",
            b"GIF89a",
            b"RIFF\x10\0\0\0WAVE",
            b"",
            b"\xFF\xD8",
        ] {
            assert_eq!(sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn fitting_keeps_the_aspect_and_never_enlarges() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 240), (180, 240));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(10_000, 1, 240), (240, 1));
    }
}
