// Package winio is a STUB of github.com/Microsoft/go-winio, which Debian
// does not package.  Only what the moby client harness's import graph
// needs is here: go-connections/sockets (sockets_windows.go) calls
// DialPipe for npipe:// addresses.  The harness talks to its plugin over
// tcp:// and to its stand-in daemon over tcp://, so a named pipe is never
// dialled; if one were, this says so instead of pretending.
package winio

import (
	"errors"
	"net"
	"time"
)

// ErrStub is what every named-pipe call returns.
var ErrStub = errors.New("go-winio stub (tests/mobyclient/stub): named pipes are not available in this build")

// DialPipe stands for go-winio's DialPipe(path, timeout); it always fails.
func DialPipe(path string, timeout *time.Duration) (net.Conn, error) {
	return nil, ErrStub
}
