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
    Int128,
    Uint128,
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
    /// One datum of kind `t`: its tag, then its bytes (of the same length for each kind).
    fn datum(mut self, t: Tag, bytes: &[u8]) -> R {
        self.tag(t);
        self.0.extend_from_slice(bytes);
        Ok(())
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
struct Failed;

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

/// Methods that widen their number and pass it on.
macro_rules! widened {
    ($($($method:ident($t:ty)),* => $to:ident);*) => {$($(
        fn $method(self, v: $t) -> R {
            self.$to(v.into())
        }
    )*)*};
}

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

    // Narrower numbers go in as the widest of their kind.
    widened! {
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32) => serialize_i64;
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32) => serialize_u64;
        serialize_f32(f32) => serialize_f64
    }
    fn serialize_bool(self, v: bool) -> R {
        self.datum(Tag::Bool, &[u8::from(v)])
    }
    fn serialize_i64(self, v: i64) -> R {
        self.datum(Tag::Int, &v.to_le_bytes())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.datum(Tag::Int128, &v.to_le_bytes())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.datum(Tag::Uint, &v.to_le_bytes())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.datum(Tag::Uint128, &v.to_le_bytes())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.datum(Tag::Float, &v.to_bits().to_le_bytes())
    }
    fn serialize_char(self, v: char) -> R {
        self.datum(Tag::Char, &u32::from(v).to_le_bytes())
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

/// The compound serializers: each item fed in turn ([`Feeder::item`]), then an end.
macro_rules! compound {
    ($($trait:ident { $($method:ident($($name:ty),*)),* $(; $skip:ident)? })*) => {$(
        impl ser::$trait for Feeder<'_> {
            type Ok = ();
            type Error = Failed;
            $(fn $method<T: Serialize + ?Sized>(&mut self, $(_: $name,)* v: &T) -> R {
                self.item(v)
            })*
            $(fn $skip(&mut self, _: &'static str) -> R {
                self.tag(Tag::Skipped);
                Ok(())
            })?
            fn end(self) -> R {
                Feeder::end(self)
            }
        }
    )*};
}

// A struct's fields go in in their order, without their names (the type fixes them); a field
// skipped when empty (`skip_serializing_if`) goes in as skipped. A map's keys and values in
// turn.
compound! {
    SerializeSeq { serialize_element() }
    SerializeTuple { serialize_element() }
    SerializeTupleStruct { serialize_field() }
    SerializeTupleVariant { serialize_field() }
    SerializeMap { serialize_key(), serialize_value() }
    SerializeStruct { serialize_field(&'static str); skip_field }
    SerializeStructVariant { serialize_field(&'static str); skip_field }
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
