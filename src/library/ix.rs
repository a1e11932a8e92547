//! Typed positions in the library's lists: an `IncidentIx` can only index the
//! incidents, a `ComponentIx` only the components, and so on, so that mixing two
//! lists up is a compile error rather than a wrong page.
//!
//! `IxVec` is a `Vec` indexed by one of these; it reads as a slice otherwise.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, Index, IndexMut};

/// A position in one kind of list.
pub trait Ix: Copy {
    /// The position `n`.
    fn new(n: usize) -> Self;
    /// The position as a number, for plain slices.
    fn index(self) -> usize;
}

macro_rules! ix {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // Serialised as the bare number (the search index lists positions).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub struct $name(usize);

        impl Ix for $name {
            fn new(n: usize) -> $name {
                $name(n)
            }
            fn index(self) -> usize {
                self.0
            }
        }

        impl $name {
            /// The position `n`.
            pub const fn new(n: usize) -> $name {
                $name(n)
            }
            /// The position as a number, for plain slices.
            pub const fn index(self) -> usize {
                self.0
            }
        }
    };
}

ix! {
    /// A position in `Library::incidents`.
    IncidentIx
}
ix! {
    /// A position in `Library::pages`.
    PageIx
}
ix! {
    /// A position in `Library::components`.
    ComponentIx
}
ix! {
    /// A position in `Library::tags`.
    TagIx
}
ix! {
    /// A position in `Library::organizations`.
    OrganizationIx
}
ix! {
    /// A position in `Library::themes`.
    ThemeIx
}
ix! {
    /// A position in `Config::severities` (and `Library::by_severity`).
    SeverityIx
}
ix! {
    /// A position in `Config::components`: a component's definition.
    DefinitionIx
}

/// A `Vec` indexed by `I`. It derefs to a slice for length and iteration.
pub struct IxVec<I, T> {
    items: Vec<T>,
    ix: PhantomData<fn(I) -> I>,
}

impl<I: Ix, T> IxVec<I, T> {
    /// An empty list.
    pub fn new() -> IxVec<I, T> {
        IxVec::from(Vec::new())
    }

    /// Appends an item and returns its position.
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::new(self.items.len() - 1)
    }

    /// Every position, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::new)
    }

    /// Every item with its position.
    pub fn indexed(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items.iter().enumerate().map(|(n, t)| (I::new(n), t))
    }

    /// Every item, mutably.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }
}

impl<I, T> From<Vec<T>> for IxVec<I, T> {
    fn from(items: Vec<T>) -> IxVec<I, T> {
        IxVec {
            items,
            ix: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IxVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> IxVec<I, T> {
        IxVec::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<I, T> IntoIterator for IxVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, I, T> IntoIterator for &'a IxVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I, T> Deref for IxVec<I, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<I: Ix, T> Index<I> for IxVec<I, T> {
    type Output = T;
    fn index(&self, ix: I) -> &T {
        &self.items[ix.index()]
    }
}

impl<I: Ix, T> IndexMut<I> for IxVec<I, T> {
    fn index_mut(&mut self, ix: I) -> &mut T {
        &mut self.items[ix.index()]
    }
}

impl<I, T: Clone> Clone for IxVec<I, T> {
    fn clone(&self) -> IxVec<I, T> {
        IxVec::from(self.items.clone())
    }
}

impl<I, T> Default for IxVec<I, T> {
    fn default() -> IxVec<I, T> {
        IxVec::from(Vec::new())
    }
}

impl<I, T: fmt::Debug> fmt::Debug for IxVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

impl<I, T: PartialEq> PartialEq for IxVec<I, T> {
    fn eq(&self, other: &IxVec<I, T>) -> bool {
        self.items == other.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_index_their_own_list() {
        let mut list: IxVec<ThemeIx, &str> = IxVec::new();
        let a = list.push("a");
        let b = list.push("b");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(list[b], "b");
        assert_eq!(list.ids().collect::<Vec<_>>(), [a, b]);
        assert_eq!(list.indexed().last(), Some((b, &"b")));
        assert_eq!(list.len(), 2);
    }
}
