// mobyclient: moby 20.10's own code as the engine plugin's client.
//
// It is built from Debian's golang-github-docker-docker-dev (GOPATH mode,
// see hack/mobyclient-build.sh), for Linux and for Windows (run under
// wine), and does what dockerd does with an authorization plugin named
// "edgeguard", with dockerd's own packages:
//
//   - pkg/plugins: the v1 plugin registry finds NAME.spec in the spec
//     directories the package itself computes (on Windows
//     %ProgramData%\docker\plugins, discovery_windows.go; on Linux
//     /etc/docker/plugins and /usr/lib/docker/plugins), reads the URL in it
//     and activates the plugin with /Plugin.Activate;
//   - api/server with the version middleware and pkg/authorization's
//     middleware in dockerd's order (cmd/dockerd's initMiddlewares), on a
//     loopback port, in front of a stand-in daemon whose handlers only
//     count the calls that reach them;
//   - client: moby's Go client sends the requests the docker CLI sends.
//
// The stand-in daemon is the only thing not moby's: its handlers answer 201
// and "OK" without doing anything, so a request the plugin refuses shows as
// a handler never called.  dockerd passes its v2 plugin store as the
// middleware's plugin getter; for a v1 (spec file) plugin the store falls
// back to plugins.Get, which this harness calls directly (nil getter).
//
// Output: one "key<TAB>value" line per observation, for the test script to
// assert (tests/windows_moby_client_test.sh); exit 0 when every step ran,
// 1 with "error<TAB>..." when one could not.  Bounded: a watchdog ends the
// process after -timeout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api"
	"github.com/docker/docker/api/server"
	"github.com/docker/docker/api/server/middleware"
	"github.com/docker/docker/api/server/router"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/authorization"
	"github.com/docker/docker/pkg/plugins"
	"github.com/sirupsen/logrus"
)

const pluginName = "edgeguard"

// say prints one observation; tabs and line ends in the value are written
// as \t, \n, \r so that every observation stays one line.
func say(key, format string, args ...interface{}) {
	v := fmt.Sprintf(format, args...)
	v = strings.NewReplacer("\t", "\\t", "\n", "\\n", "\r", "\\r").Replace(v)
	fmt.Printf("%s\t%s\n", key, v)
}

func fail(format string, args ...interface{}) {
	say("error", format, args...)
	os.Exit(1)
}

// standIn is the daemon behind the middlewares: it counts what reaches it.
type standIn struct {
	creates, pings int64
}

func (s *standIn) Routes() []router.Route {
	ping := func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
		atomic.AddInt64(&s.pings, 1)
		w.Header().Set("API-Version", api.DefaultVersion)
		w.Header().Set("OSType", runtime.GOOS)
		if r.Method == http.MethodHead {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Length", "0")
			return nil
		}
		_, err := w.Write([]byte("OK"))
		return err
	}
	create := func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
		atomic.AddInt64(&s.creates, 1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, err := w.Write([]byte(`{"Id":"0123456789ab","Warnings":[]}` + "\n"))
		return err
	}
	return []router.Route{
		router.NewGetRoute("/_ping", ping),
		router.NewHeadRoute("/_ping", ping),
		router.NewPostRoute("/containers/create", create),
	}
}

// raw sends one request outside moby's client, to see the status code and
// body dockerd's error handler writes (the 20.10 client keeps only the text).
func raw(base, method, path, body string) (int, string, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

func main() {
	timeout := flag.Duration("timeout", 60*time.Second, "end the process after this long")
	flag.Parse()
	time.AfterFunc(*timeout, func() { fail("timed out after %s", *timeout) })
	logrus.SetOutput(os.Stderr)
	logrus.SetLevel(logrus.WarnLevel)

	say("goos", "%s/%s", runtime.GOOS, runtime.GOARCH)
	// discovery_windows.go reads this variable when the package starts
	say("programdata", "%s", os.Getenv("programdata"))

	names, err := plugins.Scan()
	if err != nil {
		fail("plugins.Scan: %v", err)
	}
	say("scan", "%s", strings.Join(names, ","))

	// discovery and activation, as the authorization plugin's initPlugin does
	p, err := plugins.Get(pluginName, authorization.AuthZApiImplements)
	if err != nil {
		fail("plugins.Get(%s, %s): %v", pluginName, authorization.AuthZApiImplements, err)
	}
	say("plugin", "%s %s", p.Name(), p.Addr)
	say("implements", "%s", strings.Join(p.Manifest.Implements, ","))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listening on 127.0.0.1: %v", err)
	}
	daemon := &standIn{}
	srv := server.New(&server.Config{Version: "20.10.24"})
	srv.UseMiddleware(middleware.NewExperimentalMiddleware(false))
	srv.UseMiddleware(middleware.NewVersionMiddleware("20.10.24", api.DefaultVersion, api.MinVersion))
	srv.UseMiddleware(authorization.NewMiddleware([]string{pluginName}, nil))
	srv.Accept(ln.Addr().String(), ln)
	srv.InitRouter(daemon)
	go srv.Wait(make(chan error, 1))
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	cli, err := client.NewClientWithOpts(client.WithHost("tcp://"+ln.Addr().String()),
		client.WithVersion(api.DefaultVersion))
	if err != nil {
		fail("client: %v", err)
	}
	ctx := context.Background()

	if ping, err := cli.Ping(ctx); err != nil {
		say("ping", "error: %v", err)
	} else {
		say("ping", "ok API %s %s", ping.APIVersion, ping.OSType)
	}
	say("ping-handler-calls", "%d", atomic.LoadInt64(&daemon.pings))

	create := func(key string, isolation container.Isolation) {
		before := atomic.LoadInt64(&daemon.creates)
		_, err := cli.ContainerCreate(ctx,
			&container.Config{Image: "mcr.microsoft.com/windows/nanoserver:ltsc2022",
				Cmd: []string{"cmd", "/c", "echo", "hi"}},
			&container.HostConfig{Isolation: isolation}, nil, nil, key)
		if err != nil {
			say(key, "error: %v", err)
		} else {
			say(key, "created")
		}
		say(key+"-handler-calls", "%d", atomic.LoadInt64(&daemon.creates)-before)
	}
	create("create-hyperv", container.IsolationHyperV)
	create("create-process", container.IsolationProcess)
	// the daemon's default: Hyper-V on Windows client editions
	create("create-default", container.IsolationEmpty)

	// the same refusal seen on the wire: dockerd's status and JSON error
	code, body, err := raw(base, http.MethodPost, "/v1.41/containers/create?name=raw-hyperv",
		`{"Image":"mcr.microsoft.com/windows/nanoserver:ltsc2022","HostConfig":{"Isolation":"hyperv"}}`)
	var msg struct{ Message string }
	if err == nil {
		err = json.Unmarshal([]byte(body), &msg)
	}
	if err != nil {
		say("raw-hyperv", "error: %v (%d %q)", err, code, body)
	} else {
		say("raw-hyperv", "%d %s", code, msg.Message)
	}
	say("done", "ok")
}
