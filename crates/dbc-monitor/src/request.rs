//! The wire shape of a request body, parsed in one pass and borrowed from it. Serde's derive
//! would reject duplicate members and stop at the first wrongly typed one; these visitors
//! accept any JSON in any member, so a bad item fails alone later, in the ingest.

use serde_json::value::RawValue;

/// The top level of a request, parsed in one pass and borrowed from the body: `request` as raw
/// JSON, `data` as one slot per element (a slot that is not an object is `None`, so one bad
/// item fails alone). Unknown members are skipped.
pub(crate) struct Req<'a> {
    pub(crate) request: Option<&'a RawValue>,
    pub(crate) items: Vec<Option<ItemIn<'a>>>,
}

/// One item's members as raw JSON (any type accepted; checked later).
#[derive(Default)]
pub(crate) struct ItemIn<'a> {
    pub(crate) host: Option<&'a RawValue>,
    pub(crate) key: Option<&'a RawValue>,
    pub(crate) value: Option<&'a RawValue>,
    pub(crate) clock: Option<&'a RawValue>,
    pub(crate) ns: Option<&'a RawValue>,
}

mod de {
    //! Hand-written visitors: serde's derive rejects duplicate members and stops at the first
    //! wrongly typed one, both of which must only fail one item here.
    use super::{ItemIn, Req};
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::value::RawValue;
    use std::fmt;

    enum Field {
        Request,
        Data,
        Host,
        Key,
        Value,
        Clock,
        Ns,
        Other,
    }

    impl<'de> de::Deserialize<'de> for Field {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Field;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a member name")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                    Ok(match v {
                        "request" => Field::Request,
                        "data" => Field::Data,
                        "host" => Field::Host,
                        "key" => Field::Key,
                        "value" => Field::Value,
                        "clock" => Field::Clock,
                        "ns" => Field::Ns,
                        _ => Field::Other,
                    })
                }
            }
            d.deserialize_str(V)
        }
    }

    impl<'de> de::Deserialize<'de> for Req<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Req<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Req<'de>, A::Error> {
                    let mut req = Req {
                        request: None,
                        items: Vec::new(),
                    };
                    while let Some(k) = m.next_key::<Field>()? {
                        match k {
                            Field::Request => req.request = Some(m.next_value()?),
                            Field::Data => req.items = m.next_value::<Items<'de>>()?.0,
                            _ => {
                                m.next_value::<IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(req)
                }
            }
            d.deserialize_map(V)
        }
    }

    /// `data`: an array of slots; anything else is no items.
    struct Items<'de>(Vec<Option<ItemIn<'de>>>);

    impl<'de> de::Deserialize<'de> for Items<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Items<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Items<'de>, A::Error> {
                    let mut v = Vec::with_capacity(s.size_hint().unwrap_or(64).min(4096));
                    while let Some(Slot(item)) = s.next_element::<Slot<'de>>()? {
                        v.push(item);
                    }
                    Ok(Items(v))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Items<'de>, A::Error> {
                    while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(Items(Vec::new()))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
                fn visit_str<E: de::Error>(self, _: &str) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Items<'de>, E> {
                    Ok(Items(Vec::new()))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// One element of `data`: an item when it is an object.
    struct Slot<'de>(Option<ItemIn<'de>>);

    impl<'de> de::Deserialize<'de> for Slot<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Slot<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Slot<'de>, A::Error> {
                    let mut it = ItemIn::default();
                    while let Some(k) = m.next_key::<Field>()? {
                        let slot = match k {
                            Field::Host => &mut it.host,
                            Field::Key => &mut it.key,
                            Field::Value => &mut it.value,
                            Field::Clock => &mut it.clock,
                            Field::Ns => &mut it.ns,
                            _ => {
                                m.next_value::<IgnoredAny>()?;
                                continue;
                            }
                        };
                        *slot = Some(m.next_value::<&'de RawValue>()?);
                    }
                    Ok(Slot(Some(it)))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Slot<'de>, A::Error> {
                    while s.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Slot(None))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
                fn visit_str<E: de::Error>(self, _: &str) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Slot<'de>, E> {
                    Ok(Slot(None))
                }
            }
            d.deserialize_any(V)
        }
    }
}
