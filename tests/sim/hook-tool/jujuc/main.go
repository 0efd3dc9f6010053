// The simulator's jujuc: every hook-tool name on a hook's PATH links to this one
// binary, as every Juju hook tool is a symlink to jujud/jujuc. Like Juju's
// (cmd/jujud/main.go hookToolMain in juju/juju), it parses nothing: it forwards
// argv[0]'s base name and the arguments to the unit agent at
// JUJU_AGENT_SOCKET_ADDRESS and prints what the agent answers; the controller
// parses the flags and writes the error texts with Juju's rules, as the unit
// agent's Jujuc.Main does (worker/uniter/runner/jujuc/server.go, under
// internal/ since Juju 4).
//
// The wire is the simulator's, not Juju's net/rpc gob: one JSON line out
// {type:"tool", contextId, tool, args, stdin?}, one JSON line back
// {stdout, stderr, exitCode}, then one {type:"tool-timing", ...} line with the
// call's time from process start. Standard library only: it starts often.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

type toolRequest struct {
	Type      string   `json:"type"`
	ContextID string   `json:"contextId"`
	Tool      string   `json:"tool"`
	Args      []string `json:"args"`
	Stdin     *string  `json:"stdin,omitempty"`
}

type toolReply struct {
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
	ExitCode *int   `json:"exitCode"`
}

type toolTiming struct {
	Type      string  `json:"type"`
	ContextID string  `json:"contextId"`
	Tool      string  `json:"tool"`
	Ms        float64 `json:"ms"`
}

func main() {
	code, err := run(filepath.Base(os.Args[0]), os.Args[1:])
	if err != nil {
		// juju/cmd's WriteError: one "ERROR <message>" line on stderr.
		fmt.Fprintf(os.Stderr, "ERROR %v\n", err)
	}
	os.Exit(code)
}

// getenv fails as Juju's does for an unset or empty variable.
func getenv(name string) (string, error) {
	if value := os.Getenv(name); value != "" {
		return value, nil
	}
	return "", fmt.Errorf("%s not set", name)
}

// run makes the one call; a non-nil error means exit 1 with that message, as in Juju.
func run(tool string, args []string) (int, error) {
	contextID, err := getenv("JUJU_CONTEXT_ID")
	if err != nil {
		return 1, err
	}
	address, err := getenv("JUJU_AGENT_SOCKET_ADDRESS")
	if err != nil {
		return 1, err
	}
	network, err := getenv("JUJU_AGENT_SOCKET_NETWORK")
	if err != nil {
		return 1, err
	}
	if network != "unix" {
		return 1, fmt.Errorf("JUJU_AGENT_SOCKET_NETWORK %q: the simulator's agent listens on unix sockets only", network)
	}
	req := toolRequest{Type: "tool", ContextID: contextID, Tool: tool, Args: args}
	// Juju reads stdin only when the agent asks for it (jujuc.ErrNoStdin, i.e. `--file -`);
	// the simulator's wire has one round trip, so the client sends it up front in that case.
	if readsStdin(args) {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return 1, fmt.Errorf("cannot read stdin: %w", err)
		}
		text := string(data)
		req.Stdin = &text
	}
	conn, err := dial(network, address)
	if err != nil {
		return 1, err
	}
	defer conn.Close()
	if err := send(conn, req); err != nil {
		return 1, err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		// What Juju's net/rpc client reports when the agent hangs up before answering.
		if errors.Is(err, io.EOF) {
			return 1, io.ErrUnexpectedEOF
		}
		return 1, err
	}
	var reply toolReply
	if err := json.Unmarshal(line, &reply); err != nil {
		return 1, fmt.Errorf("cannot parse the unit agent's reply: %w", err)
	}
	os.Stdout.WriteString(reply.Stdout)
	os.Stderr.WriteString(reply.Stderr)
	// The whole call, process start-up included: what a hook pays per tool.
	_ = send(conn, toolTiming{Type: "tool-timing", ContextID: contextID, Tool: tool, Ms: sinceStart().Seconds() * 1000})
	if reply.ExitCode == nil {
		return 1, nil
	}
	return *reply.ExitCode, nil
}

// dial connects as juju/sockets does (net.Dial; a leading "@" is a Linux abstract
// socket). Node's libuv binds an abstract name padded with NULs to the whole
// sun_path, a different name to the kernel, so that form is tried second.
func dial(network, address string) (net.Conn, error) {
	conn, err := net.Dial(network, address)
	if err == nil || !strings.HasPrefix(address, "@") || len(address) >= sunPathLen {
		return conn, err
	}
	if padded, err2 := net.Dial(network, address+strings.Repeat("\x00", sunPathLen-len(address))); err2 == nil {
		return padded, nil
	}
	return nil, err
}

// sunPathLen is the size of sockaddr_un.sun_path on Linux.
const sunPathLen = 108

// readsStdin: relation-set and state-set read their settings from stdin with `--file -`.
func readsStdin(args []string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		if a == "--file=-" || (a == "--file" && i+1 < len(args) && args[i+1] == "-") {
			return true
		}
	}
	return false
}

// send writes one JSON line in ASCII only, every other character as a \u escape,
// so the line survives any reader that decodes socket reads one at a time (the
// controller once did, and turned a character split between reads into U+FFFD).
func send(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	out := make([]byte, 0, len(data)+1)
	for _, r := range string(data) {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if hi, lo := utf16.EncodeRune(r); hi != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	_, err = w.Write(append(out, '\n'))
	return err
}
