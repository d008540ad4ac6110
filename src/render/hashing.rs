//! A serde serializer that feeds a value into a hash ([`feed`]), for the keys of kept pages
//! and cards ([`super::memo`]): every piece of data goes in with its kind and length, so
//! that two values that differ anywhere (a text cut elsewhere, an absent value against an
//! empty one, a list one longer) feed different bytes. Nothing is formatted: a number goes
//! in as its bits, a text as its bytes, where writing JSON to hash it escaped every text and
//! printed every number.

use serde::ser::{self, Serialize};
use std::fmt;
use xxhash_rust::xxh3::Xxh3;

/// Feeds `v` into `h`. The bytes are gathered first and hashed at once (a hash update for
/// each few bytes cost more than their copy; the digest is the same however the bytes are
/// cut), in a buffer kept by the thread: a page's view is fed once per page, tens of
/// thousands of times a build, and a new buffer each time grew from nothing.
pub(super) fn feed(h: &mut Xxh3, v: &(impl Serialize + ?Sized)) {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // The error type cannot be made by this serializer's own methods; a value's `Serialize`
    // may still fail (a map whose key is not text): that goes in too.
    let fill = |b: &mut Vec<u8>| {
        if v.serialize(Feeder(b)).is_err() {
            b.push(Tag::Failed as u8);
        }
    };
    BUFFER.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            b.clear();
            fill(&mut b);
            h.update(&b);
            // A rare large value does not stay held by the thread.
            if b.capacity() > 1 << 20 {
                *b = Vec::new();
            }
        }
        // Fed from within a value's serialization: a buffer of its own.
        Err(_) => {
            let mut b = Vec::new();
            fill(&mut b);
            h.update(&b);
        }
    });
}

/// What kind of data follows, fed before it.
#[repr(u8)]
enum Tag {
    Bool = 1,
    Int,
    Uint,
    Float,
    Char,
    Text,
    Bytes,
    None,
    Some,
    Unit,
    Variant,
    Seq,
    Map,
    Struct,
    End,
    Skipped,
    Failed,
}

struct Feeder<'a>(&'a mut Vec<u8>);

impl Feeder<'_> {
    fn tag(&mut self, t: Tag) {
        self.0.push(t as u8);
    }
    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }
    fn text(&mut self, s: &[u8]) {
        self.len(s.len());
        self.0.extend_from_slice(s);
    }
    fn variant(&mut self, index: u32) {
        self.tag(Tag::Variant);
        self.0.extend_from_slice(&index.to_le_bytes());
    }
    /// A sequence, map or struct: its length when known, then its items, then an end.
    fn open(mut self, t: Tag, len: Option<usize>) -> Self {
        self.tag(t);
        match len {
            Some(n) => self.len(n),
            None => self.0.extend_from_slice(&u64::MAX.to_le_bytes()),
        }
        self
    }
}

/// The error of a value whose `Serialize` fails.
#[derive(Debug)]
pub(super) struct Failed;

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not hashable")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Failed
    }
}

type R = Result<(), Failed>;

impl<'a> ser::Serializer for Feeder<'a> {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = Feeder<'a>;
    type SerializeTuple = Feeder<'a>;
    type SerializeTupleStruct = Feeder<'a>;
    type SerializeTupleVariant = Feeder<'a>;
    type SerializeMap = Feeder<'a>;
    type SerializeStruct = Feeder<'a>;
    type SerializeStructVariant = Feeder<'a>;

    fn serialize_bool(mut self, v: bool) -> R {
        self.tag(Tag::Bool);
        self.0.extend_from_slice(&[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(mut self, v: i64) -> R {
        self.tag(Tag::Int);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(mut self, v: i128) -> R {
        self.tag(Tag::Int);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(mut self, v: u64) -> R {
        self.tag(Tag::Uint);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(mut self, v: u128) -> R {
        self.tag(Tag::Uint);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(mut self, v: f64) -> R {
        self.tag(Tag::Float);
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(mut self, v: char) -> R {
        self.tag(Tag::Char);
        self.0.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(mut self, v: &str) -> R {
        self.tag(Tag::Text);
        self.text(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> R {
        self.tag(Tag::Bytes);
        self.text(v);
        Ok(())
    }
    fn serialize_none(mut self) -> R {
        self.tag(Tag::None);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, v: &T) -> R {
        self.tag(Tag::Some);
        v.serialize(self)
    }
    fn serialize_unit(mut self) -> R {
        self.tag(Tag::Unit);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(mut self, _: &'static str, index: u32, _: &'static str) -> R {
        self.variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        v: &T,
    ) -> R {
        self.variant(index);
        v.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Failed> {
        Ok(self.open(Tag::Seq, len))
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Failed> {
        Ok(self.open(Tag::Seq, Some(len)))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Failed> {
        Ok(self.open(Tag::Seq, Some(len)))
    }
    fn serialize_tuple_variant(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Failed> {
        self.variant(index);
        Ok(self.open(Tag::Seq, Some(len)))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self, Failed> {
        Ok(self.open(Tag::Map, len))
    }
    // A struct's fields go in in their order, without their names (the type fixes them); a
    // field skipped when empty (`skip_serializing_if`) goes in as skipped.
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self, Failed> {
        Ok(self.open(Tag::Struct, Some(len)))
    }
    fn serialize_struct_variant(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Failed> {
        self.variant(index);
        Ok(self.open(Tag::Struct, Some(len)))
    }
}

impl Feeder<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feeder(self.0))
    }
    fn end(mut self) -> R {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeSeq for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.item(v)
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeTuple for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.item(v)
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeTupleStruct for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.item(v)
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeTupleVariant for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.item(v)
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeMap for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> R {
        self.item(k)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.item(v)
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeStruct for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> R {
        self.item(v)
    }
    fn skip_field(&mut self, _: &'static str) -> R {
        self.tag(Tag::Skipped);
        Ok(())
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

impl ser::SerializeStructVariant for Feeder<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> R {
        self.item(v)
    }
    fn skip_field(&mut self, _: &'static str) -> R {
        self.tag(Tag::Skipped);
        Ok(())
    }
    fn end(self) -> R {
        Feeder::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hash(v: &(impl Serialize + ?Sized)) -> u64 {
        let mut h = Xxh3::new();
        feed(&mut h, v);
        h.digest()
    }

    #[derive(serde::Serialize, Clone)]
    struct Card {
        title: String,
        year: i32,
        value: f64,
        place: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        kind: Kind,
    }

    #[derive(serde::Serialize, Clone, Copy)]
    enum Kind {
        Model,
        Article,
    }

    fn card() -> Card {
        Card {
            title: "Dân vận khéo".into(),
            year: 2024,
            value: 1.5,
            place: None,
            tags: vec![],
            kind: Kind::Model,
        }
    }

    #[test]
    fn equal_values_feed_alike_and_any_difference_feeds_otherwise() {
        assert_eq!(hash(&card()), hash(&card()));
        assert_eq!(hash(&json!({"a": [1, "x"]})), hash(&json!({"a": [1, "x"]})));
        let mut variants: Vec<u64> = vec![hash(&card())];
        let edits: [fn(&mut Card); 7] = [
            |c| c.title.push('.'),
            |c| c.year += 1,
            |c| c.value = -c.value,
            |c| c.place = Some(String::new()),
            |c| c.tags = vec![String::new()],
            |c| c.kind = Kind::Article,
            |c| c.value = 2024.0,
        ];
        for edit in edits {
            let mut c = card();
            edit(&mut c);
            variants.push(hash(&c));
        }
        // Texts cut elsewhere; a number as text; nothing against an empty list or text;
        // a key against a value; a list one longer.
        for v in [
            json!(["ab", "c"]),
            json!(["a", "bc"]),
            // A text holding the byte that marks a text.
            json!(["a\u{6}", "b"]),
            json!(["a", "\u{6}b"]),
            json!(["abc"]),
            json!([1]),
            json!(["1"]),
            json!([]),
            json!([null]),
            json!([""]),
            json!([[]]),
            json!({"a": "b"}),
            json!({"b": "a"}),
            json!({"a": "b", "c": null}),
            json!([0.0]),
            json!([-0.0]),
            json!([true]),
            json!([false]),
        ] {
            variants.push(hash(&v));
        }
        let n = variants.len();
        variants.sort_unstable();
        variants.dedup();
        assert_eq!(variants.len(), n, "two different values fed alike");
    }
}
