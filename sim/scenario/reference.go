package scenario

// Reference describes the scenario format, for authors: the package
// documentation points here and the app shows it beside its editor.
const Reference = `A scenario is a list of lines. Blank lines and lines starting with "#"
are ignored. A header of "key: value" lines may come first:

    title: Sniffing USER/PASS on port 110
    summary: An eavesdropper reads the password off the wire.
    seed: 7

Then come steps, one per line, each starting with a keyword:

    note: text               narration shown with the next step
    server: key=value ...    server settings (tls=on|off, unsafe-stls=on|off,
                             login-delay=60s, auth-failure-delay=2s)
    client: key=value ...    mail-client settings (tls=none|if-offered|
                             required|implicit, auth=user|apop|plain,
                             leave-on-server=on|off, delete-after-days=N,
                             device=NAME, user=NAME, password=SECRET)
    connect                  open a connection (implicit TLS if client tls=implicit)
    C: line                  the learner types a raw command line
    S: line                  the next response line must be exactly this
    S~ regexp                the next response line must match (whole line)
    S: ...                   skip the rest of the current multi-line response
    do: action               a mail-client action: get-mail, preview
    attack: name [args]      strip-stls, inject "LINE", replay-apop, off
    deliver: subject | body  deliver a message to the server maildrop
    wait: 11m                let virtual time pass
    drop                     drop the connection without QUIT
    expect: what             check the simulation: 'tap has "TEXT"',
                             'tap lacks "TEXT"', 'state TRANSACTION',
                             'server messages 4', 'server ran "LINE"',
                             'server discarded "TEXT"', 'local messages 2',
                             'fetched 3', 'warning "TEXT"', 'closed',
                             'tls on', 'tls off'

"expect: tap" looks at what the eavesdropper saw on the newest
connection.

S lines check the lines the server sent in answer to the step before
them, in order: the status line first, then body lines as sent (still
dot-stuffed) and the terminating ".".
`
