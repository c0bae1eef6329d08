//! Topics: named entities from a gazetteer and key phrases scored against the archive.
pub mod gazetteer;
