package wire_test

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"pop3lab/sim/wire"
)

// An eavesdropper taps the link and decodes what crosses it.
func ExampleLink_SetTap() {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	link, err := wire.NewLink(wire.Config{Clock: func() time.Time { return start }})
	if err != nil {
		panic(err)
	}
	var dec wire.Decoder
	link.SetTap(func(s wire.Segment) {
		for _, u := range dec.Decode(s.Dir, s.Payload) {
			fmt.Printf("%v %s\n", u.Dir, u)
		}
	})
	client, server := link.Client(), link.Server()
	server.Write([]byte("+OK ready\r\n"))
	client.Write([]byte("USER al"))
	client.Write([]byte("ice\r\nPASS tanstaaf\r\n"))
	client.Close()
	got, _ := io.ReadAll(server)
	fmt.Printf("server read %q\n", got)
	// Output:
	// S->C +OK ready
	// C->S USER alice
	// C->S PASS tanstaaf
	// server read "USER alice\r\nPASS tanstaaf\r\n"
}

// A middlebox strips STLS from the server's capabilities, so that the client
// never upgrades to TLS: the STARTTLS-stripping attack.
func ExampleMiddlebox() {
	link, err := wire.NewLink(wire.Config{})
	if err != nil {
		panic(err)
	}
	link.SetMiddlebox(wire.MiddleboxFunc(func(dir wire.Dir, chunk []byte) []byte {
		if dir == wire.ServerToClient {
			return bytes.ReplaceAll(chunk, []byte("STLS\r\n"), nil)
		}
		return chunk
	}))
	link.Server().Write([]byte("+OK\r\nUSER\r\nSTLS\r\n.\r\n"))
	link.Server().Close()
	got, _ := io.ReadAll(link.Client())
	fmt.Printf("client read %q\n", got)
	for _, s := range link.Segments() {
		fmt.Println(s)
	}
	// Output:
	// client read "+OK\r\nUSER\r\n.\r\n"
	// #0 C->S SYN seq=0 len=0
	// #1 S->C data seq=1 len=14 rewritten
	// #2 S->C FIN seq=15 len=0
}
