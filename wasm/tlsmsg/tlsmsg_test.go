package tlsmsg

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
)

// TestErrorsCrossAsTheSame: an error that crossed between the programs is
// the same error to errors.Is, with the same text.
func TestErrorsCrossAsTheSame(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		is   error // nil: only the text
	}{
		{"EOF", io.EOF, io.EOF},
		{"unexpected EOF", fmt.Errorf("tls: %w", io.ErrUnexpectedEOF), io.ErrUnexpectedEOF},
		{"deadline", fmt.Errorf("read: %w", os.ErrDeadlineExceeded), os.ErrDeadlineExceeded},
		{"closed", fmt.Errorf("write: %w", net.ErrClosed), net.ErrClosed},
		{"other", errors.New("tls: bad certificate"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Decode(Encode(tt.err))
			if got == nil || got.Error() != tt.err.Error() {
				t.Fatalf("crossed as %v, want the text %q", got, tt.err)
			}
			if tt.is != nil && !errors.Is(got, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", got, tt.is)
			}
			var ne net.Error
			if timeout := errors.As(got, &ne) && ne.Timeout(); timeout != (tt.is == os.ErrDeadlineExceeded) {
				t.Errorf("Timeout() = %v", timeout)
			}
		})
	}
	if Decode(Encode(nil)) != nil {
		t.Error("nil did not cross as nil")
	}
}
