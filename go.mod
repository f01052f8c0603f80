module pop3lab

go 1.26.8

require github.com/hack-pad/hackpadfs v0.2.4
