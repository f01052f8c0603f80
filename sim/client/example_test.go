package client_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/hack-pad/hackpadfs/mem"

	"pop3lab/sim/client"
	"pop3lab/sim/maildrop"
	"pop3lab/sim/server"
)

// A learner's terminal: each typed line goes through Raw, which knows when
// a multi-line body follows.
func ExampleConn_Raw() {
	fsys, _ := mem.NewFS()
	store := maildrop.NewStore(fsys, "mail", maildrop.Options{})
	store.Deliver("alice", strings.NewReader("Subject: Hi\r\n\r\n.signature\r\n"))
	srv := server.New(server.Config{Store: store, Users: server.Users{"alice": "wonderland"}, AllowInsecureAuth: true})

	cli, s := net.Pipe()
	go srv.ServeConn(s)
	c, err := client.Dial(cli)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range []string{"USER alice", "PASS wonderland", "RETR 1", "RETR 2", "QUIT"} {
		resp, err := c.Raw(line)
		fmt.Printf("%s → %s\n", line, resp.Line)
		if resp.Multiline {
			fmt.Printf("%q\n", resp.Body)
		}
		if err != nil {
			fmt.Println(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	// Output:
	// USER alice → +OK Send your password.
	// PASS wonderland → +OK alice's maildrop has 1 message (27 octets).
	// RETR 1 → +OK 27 octets
	// "Subject: Hi\r\n\r\n.signature\r\n"
	// RETR 2 → -ERR No such message.
	// pop3 client: RETR refused: -ERR No such message.
	// QUIT → +OK Logging out; no messages deleted.
}
