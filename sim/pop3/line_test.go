package pop3

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 300)
	exact := strings.Repeat("y", MaxCommandLine-2)
	tests := []struct {
		name  string
		input string
		want  []string // "ERR:..." marks an error
	}{
		{"CRLF", "STAT\r\nQUIT\r\n", []string{"STAT", "QUIT", "ERR:EOF"}},
		{"bare LF", "STAT\nQUIT\n", []string{"STAT", "QUIT", "ERR:EOF"}},
		{"empty line", "\r\n", []string{"", "ERR:EOF"}},
		{"CR kept inside", "A\rB\r\n", []string{"A\rB", "ERR:EOF"}},
		{"too long then next", long + "\r\nNOOP\r\n", []string{"ERR:too long", "NOOP", "ERR:EOF"}},
		{"exactly the limit (RFC 2449 §4)", exact + "\r\n", []string{exact, "ERR:EOF"}},
		{"one over the limit", exact + "z\r\nNOOP\r\n", []string{"ERR:too long", "NOOP", "ERR:EOF"}},
		{"very long", strings.Repeat("z", 100000) + "\nNOOP\n", []string{"ERR:too long", "NOOP", "ERR:EOF"}},
		{"cut off", "STA", []string{"ERR:unexpected:STA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(bufio.NewReaderSize(strings.NewReader(tt.input), 16))
			for _, want := range tt.want {
				line, err := lr.ReadLine()
				var got string
				switch err {
				case nil:
					got = string(line)
				case ErrLineTooLong:
					got = "ERR:too long"
				case io.EOF:
					got = "ERR:EOF"
				case io.ErrUnexpectedEOF:
					got = "ERR:unexpected:" + string(line)
				default:
					got = "ERR:" + err.Error()
				}
				if got != want {
					t.Fatalf("got %q, want %q", got, want)
				}
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		line    string
		want    Status
		wantErr bool
	}{
		{"+OK", Status{OK: true}, false},
		{"+OK 2 320", Status{OK: true, Text: "2 320"}, false},
		{"-ERR no such message", Status{Text: "no such message"}, false},
		{"-ERR [IN-USE] locked", Status{Code: "IN-USE", Text: "locked"}, false},
		{"-ERR [SYS/TEMP]", Status{Code: "SYS/TEMP"}, false},
		{"+OKAY", Status{}, true},
		{"OK", Status{}, true},
		{"", Status{}, true},
		{"+ ", Status{}, true},
	}
	for _, tt := range tests {
		got, err := ParseStatus([]byte(tt.line))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseStatus(%q) = %+v, %v; want %+v, error %v", tt.line, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFormatStatus(t *testing.T) {
	tests := []struct {
		ok         bool
		code, text string
		want       string
	}{
		{true, "", "", "+OK\r\n"},
		{true, "", "2 320", "+OK 2 320\r\n"},
		{false, CodeInUse, "locked", "-ERR [IN-USE] locked\r\n"},
		{false, CodeSysTemp, "", "-ERR [SYS/TEMP]\r\n"},
		{false, "", "a\r\nb", "-ERR a  b\r\n"},
	}
	for _, tt := range tests {
		if got := string(FormatStatus(tt.ok, tt.code, tt.text)); got != tt.want {
			t.Errorf("FormatStatus = %q, want %q", got, tt.want)
		}
	}
	long := FormatStatus(false, "", strings.Repeat("x", 1000))
	if len(long) != MaxResponseLine || !strings.HasSuffix(string(long), "x\r\n") {
		t.Errorf("long status is %d octets, want %d (RFC 2449 §4)", len(long), MaxResponseLine)
	}
}
