package wire

// A Middlebox is an attacker on the path between client and server: it sees
// every chunk an end writes before the receiver does, and decides what the
// receiver gets. It is the man in the middle of the STARTTLS-stripping and
// command-injection lessons.
//
// Intercept is called once per Write, with the whole chunk, in the order the
// chunks cross; it runs on the writing goroutine (or on another writer's,
// see Link) and never concurrently with itself or with the Tap. It returns
// the bytes to deliver: the chunk itself to pass it on, nil or empty to drop
// it, or any other bytes, longer or shorter, to rewrite it. The chunk is the
// middlebox's own copy and may be changed in place and returned.
//
// A middlebox may call Link.Inject, or write to either end, from inside
// Intercept: those bytes cross right after the current chunk. Injected bytes
// do not pass through the middlebox.
type Middlebox interface {
	Intercept(dir Dir, chunk []byte) []byte
}

// MiddleboxFunc adapts a function to the Middlebox interface.
type MiddleboxFunc func(dir Dir, chunk []byte) []byte

// Intercept returns f(dir, chunk).
func (f MiddleboxFunc) Intercept(dir Dir, chunk []byte) []byte { return f(dir, chunk) }
