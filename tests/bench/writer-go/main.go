// etcd-bench-writer: the write benchmark's client, etcd's own Go client
// (go.etcd.io/etcd/client/v3, with its gRPC balancer over every endpoint).
//
// N clients (-clients, default 4), each its own clientv3.Client over all the
// endpoints, together start -rate writes per second (each client its share, on
// a fixed schedule that does not slow down when etcd does). Every write is one
// Put of its own key `<prefix><client>/<sequence>` with a deadline (-write-timeout);
// there is no retry of ours on top of the client's own: each Put is recorded as
// attempted, then acked or failed (with its error).
//
// It writes until SIGTERM or SIGINT, a line "stop" on stdin, or stdin's end
// (so it never outlives a parent that died), waits for the writes in flight,
// then reads back every acked key (one linearizable read through the client,
// and each member's own data with a serializable read on that endpoint alone,
// allowing -catch-up for a member still applying the log), and prints one JSON
// line on stdout. Progress goes to stderr; "ready" once the clients are up.
//
// The password comes from the environment (ETCD_BENCH_PASSWORD), never argv.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

type attempt struct {
	start, end time.Time
	key        string
	err        error
}

type gapJSON struct {
	S      float64 `json:"s"`
	FromMs int64   `json:"from_ms"`
	ToMs   int64   `json:"to_ms"`
	// Distinct errors of the writes that ended inside the gap (at most 4).
	Errors []string `json:"errors"`
}

type memberWindowJSON struct {
	Endpoint       string `json:"endpoint"`
	FromMs         int64  `json:"from_ms"`
	ToMs           int64  `json:"to_ms"`
	StatusFailures int    `json:"status_failures"`
	MaxApplyLag    int64  `json:"max_apply_lag"`
}

type windowJSON struct {
	FromMs int64 `json:"from_ms"`
	ToMs   int64 `json:"to_ms"`
	Failed int   `json:"failed"`
	Acked  int   `json:"acked"`
}

type clientJSON struct {
	Client     int     `json:"client"`
	Attempted  int     `json:"attempted"`
	Acked      int     `json:"acked"`
	Failed     int     `json:"failed"`
	LongestGap gapJSON `json:"longest_gap"`
}

type resultJSON struct {
	Attempted         int                `json:"attempted"`
	Acked             int                `json:"acked"`
	Failed            int                `json:"failed"`
	Lost              int                `json:"lost"`
	LostQuorumRead    int                `json:"lost_quorum_read"`
	MissingByEndpoint map[string]int     `json:"missing_by_endpoint"`
	LongestGap        gapJSON            `json:"longest_gap"`
	Clients           []clientJSON       `json:"clients"`
	RatePerS          float64            `json:"rate_per_s"`
	StartedMs         int64              `json:"started_ms"`
	StoppedMs         int64              `json:"stopped_ms"`
	LatencyMs         map[string]float64 `json:"latency_ms"`
	Errors            map[string]int     `json:"errors"`
	// Failed writes whose key is in the quorum read-back: committed, but not acknowledged in time.
	FailedCommitted int `json:"failed_committed"`
	// Per endpoint, stretches in which its Status (polled every second) failed
	// or showed its applied index behind its committed index by 100 or more.
	MemberWindows []memberWindowJSON `json:"member_windows"`
	// Stretches of seconds (by when the write started) in which some write failed.
	FailureWindows []windowJSON `json:"failure_windows"`
	Endpoints      []string     `json:"endpoints"`
	ClientVersion  string       `json:"client"`
	VerifyError    string       `json:"verify_error,omitempty"`
}

func main() {
	endpoints := flag.String("endpoints", "", "comma-separated client URLs (all the cluster's)")
	clients := flag.Int("clients", 4, "clients, each its own balancer over all the endpoints")
	rate := flag.Float64("rate", 100, "writes started per second, all clients together")
	prefix := flag.String("prefix", "bench/writes/", "key prefix")
	user := flag.String("user", "root", "etcd user (password from $ETCD_BENCH_PASSWORD; none: no auth)")
	cacert := flag.String("cacert", "", "CA bundle for https endpoints")
	cert := flag.String("cert", "", "client certificate")
	key := flag.String("key", "", "client certificate's key")
	writeTimeout := flag.Duration("write-timeout", 5*time.Second, "a Put not acked within this counts as failed")
	dialTimeout := flag.Duration("dial-timeout", 5*time.Second, "clientv3 DialTimeout")
	catchUp := flag.Duration("catch-up", 15*time.Second, "time a member may take to hold every acked key")
	maxInFlight := flag.Int("max-in-flight", 64, "Puts in flight per client at most")
	maxDuration := flag.Duration("max-duration", 30*time.Minute, "stop on its own after this long")
	flag.Parse()
	eps := strings.Split(*endpoints, ",")
	if *endpoints == "" || *clients < 1 || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "usage: etcd-bench-writer -endpoints URL[,URL...] [-clients N] [-rate R] [-prefix P]")
		os.Exit(2)
	}
	var tlsConfig *tls.Config
	if *cacert != "" || *cert != "" {
		info := transport.TLSInfo{TrustedCAFile: *cacert, CertFile: *cert, KeyFile: *key}
		c, err := info.ClientConfig()
		if err != nil {
			fatal("tls: %v", err)
		}
		tlsConfig = c
	}
	password := os.Getenv("ETCD_BENCH_PASSWORD")
	username := *user
	if password == "" {
		username = ""
	}
	// The client's own warnings (retries, balancer) on stderr, compact.
	logCfg := zap.NewProductionConfig()
	logCfg.Level = zap.NewAtomicLevelAt(zap.WarnLevel)
	logCfg.Encoding = "console"
	logCfg.Sampling = &zap.SamplingConfig{Initial: 5, Thereafter: 100}
	logger, _ := logCfg.Build()
	config := func(endpoints []string) clientv3.Config {
		return clientv3.Config{
			Endpoints: endpoints, DialTimeout: *dialTimeout,
			// etcdctl's defaults.
			DialKeepAliveTime: 2 * time.Second, DialKeepAliveTimeout: 6 * time.Second,
			Username: username, Password: password, TLS: tlsConfig, Logger: logger,
		}
	}

	cs := make([]*clientv3.Client, *clients)
	for i := range cs {
		c, err := clientv3.New(config(eps))
		if err != nil {
			fatal("client %d: %v", i, err)
		}
		cs[i] = c
	}

	stop := make(chan struct{})
	var once sync.Once
	halt := func(why string) {
		once.Do(func() { fmt.Fprintf(os.Stderr, "etcd-bench-writer: stopping (%s)\n", why); close(stop) })
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { s := <-sigs; halt(s.String()) }()
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "stop" {
				halt("stdin: stop")
				return
			}
		}
		halt("stdin closed")
	}()
	go func() { time.Sleep(*maxDuration); halt("max-duration") }()

	monitorDone := make(chan []memberWindowJSON, len(eps))
	for _, ep := range eps {
		go func(ep string) { monitorDone <- monitor(config([]string{ep}), ep, stop) }(ep)
	}
	fmt.Fprintln(os.Stderr, "ready")
	started := time.Now()
	perClient := make([][]attempt, *clients)
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) * float64(*clients) / *rate)
	for i := range cs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			perClient[i] = runClient(cs[i], fmt.Sprintf("%s%d/", *prefix, i), started, interval*time.Duration(i)/time.Duration(*clients), interval, *writeTimeout, *maxInFlight, stop)
		}(i)
	}
	<-stop
	stopped := time.Now()
	wg.Wait()

	res := tally(perClient, started, stopped)
	res.Endpoints = eps
	res.ClientVersion = "go.etcd.io/etcd/client/v3 " + clientVersion()
	acked := map[string]bool{}
	for _, as := range perClient {
		for _, a := range as {
			if a.err == nil {
				acked[a.key] = true
			}
		}
	}
	lost := map[string]bool{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	held, err := keys(ctx, cs[0], *prefix, false)
	cancel()
	if err != nil {
		res.VerifyError = "quorum read: " + err.Error()
		held = map[string]bool{}
	}
	for k := range acked {
		if !held[k] {
			lost[k] = true
			res.LostQuorumRead++
		}
	}
	for _, as := range perClient {
		for _, a := range as {
			if a.err != nil && held[a.key] {
				res.FailedCommitted++
			}
		}
	}
	res.MemberWindows = []memberWindowJSON{}
	for range eps {
		res.MemberWindows = append(res.MemberWindows, <-monitorDone...)
	}
	sort.Slice(res.MemberWindows, func(i, j int) bool { return res.MemberWindows[i].FromMs < res.MemberWindows[j].FromMs })
	for _, c := range cs {
		c.Close()
	}
	res.MissingByEndpoint = map[string]int{}
	deadline := time.Now().Add(*catchUp)
	for _, ep := range eps {
		var missing []string
		for {
			missing = missing[:0]
			c, err := clientv3.New(config([]string{ep}))
			var held map[string]bool
			if err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				held, err = keys(ctx, c, *prefix, true)
				cancel()
				c.Close()
			}
			for k := range acked {
				if err != nil || !held[k] {
					missing = append(missing, k)
				}
			}
			if len(missing) == 0 || time.Now().After(deadline) {
				if err != nil && res.VerifyError == "" {
					res.VerifyError = ep + ": " + err.Error()
				}
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		if len(missing) > 0 {
			res.MissingByEndpoint[ep] = len(missing)
			for _, k := range missing {
				lost[k] = true
			}
		}
	}
	res.Lost = len(lost)
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

// monitor polls the member at ep (a client of its own, that endpoint only)
// every second until stop, and returns the stretches in which it was unwell.
func monitor(cfg clientv3.Config, ep string, stop <-chan struct{}) []memberWindowJSON {
	out := []memberWindowJSON{}
	c, err := clientv3.New(cfg)
	if err != nil {
		return append(out, memberWindowJSON{Endpoint: ep, StatusFailures: -1})
	}
	defer c.Close()
	var cur *memberWindowJSON
	for {
		select {
		case <-stop:
			if cur != nil {
				out = append(out, *cur)
			}
			return out
		case <-time.After(time.Second):
		}
		t := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		st, err := c.Status(ctx, ep)
		cancel()
		lag := int64(0)
		if err == nil {
			lag = int64(st.RaftIndex) - int64(st.RaftAppliedIndex)
		}
		if err != nil || lag >= 100 {
			if cur == nil {
				cur = &memberWindowJSON{Endpoint: ep, FromMs: t.UnixMilli()}
			}
			cur.ToMs = time.Now().UnixMilli()
			if err != nil {
				cur.StatusFailures++
			}
			cur.MaxApplyLag = max(cur.MaxApplyLag, lag)
		} else if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
}

// clientVersion: the client/v3 module version this binary was built with.
func clientVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "go.etcd.io/etcd/client/v3" {
				return m.Version
			}
		}
	}
	return "unknown"
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "etcd-bench-writer: "+format+"\n", args...)
	os.Exit(1)
}

// runClient starts a Put every interval until stop, at most maxInFlight at once
// (the schedule waits then), and returns every attempt once all have ended.
func runClient(c *clientv3.Client, prefix string, started time.Time, offset time.Duration, interval, timeout time.Duration, maxInFlight int, stop <-chan struct{}) []attempt {
	var mu sync.Mutex
	var out []attempt
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxInFlight)
	// The clients' schedules are spread over one interval.
	next := started.Add(offset)
	for seq := 1; ; seq++ {
		select {
		case <-stop:
			wg.Wait()
			return out
		case <-time.After(time.Until(next)):
		}
		next = next.Add(interval)
		select {
		case <-stop:
			wg.Wait()
			return out
		case slots <- struct{}{}:
		}
		key := fmt.Sprintf("%s%08d", prefix, seq)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			a := attempt{start: time.Now(), key: key}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			_, a.err = c.Put(ctx, key, fmt.Sprintf("v%d", seq))
			cancel()
			a.end = time.Now()
			mu.Lock()
			out = append(out, a)
			mu.Unlock()
		}()
	}
}

// keys: every key under prefix, in pages (serializable: the member's own data).
func keys(ctx context.Context, c *clientv3.Client, prefix string, serializable bool) (map[string]bool, error) {
	held := map[string]bool{}
	end := clientv3.GetPrefixRangeEnd(prefix)
	from := prefix
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithKeysOnly(), clientv3.WithLimit(5000)}
		if serializable {
			opts = append(opts, clientv3.WithSerializable())
		}
		resp, err := c.Get(ctx, from, opts...)
		if err != nil {
			return nil, err
		}
		for _, kv := range resp.Kvs {
			held[string(kv.Key)] = true
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return held, nil
		}
		from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}

// longestGap: the longest stretch in [start, stop] without an ack, edges counted.
func longestGap(as []attempt, start, stop time.Time) gapJSON {
	var acks []time.Time
	for _, a := range as {
		if a.err == nil && !a.end.After(stop) {
			acks = append(acks, a.end)
		}
	}
	sort.Slice(acks, func(i, j int) bool { return acks[i].Before(acks[j]) })
	prev, from, to := start, start, start
	for _, t := range append(acks, stop) {
		if t.Sub(prev) > to.Sub(from) {
			from, to = prev, t
		}
		prev = t
	}
	seen := map[string]bool{}
	errs := []string{}
	for _, a := range as {
		if a.err != nil && !a.end.Before(from) && !a.end.After(to) && !seen[a.err.Error()] && len(errs) < 4 {
			seen[a.err.Error()] = true
			errs = append(errs, a.err.Error())
		}
	}
	return gapJSON{S: round(to.Sub(from).Seconds(), 3), FromMs: from.UnixMilli(), ToMs: to.UnixMilli(), Errors: errs}
}

func tally(perClient [][]attempt, started, stopped time.Time) resultJSON {
	res := resultJSON{StartedMs: started.UnixMilli(), StoppedMs: stopped.UnixMilli(), Errors: map[string]int{}, LatencyMs: map[string]float64{}}
	var all []attempt
	var lat []float64
	for i, as := range perClient {
		cj := clientJSON{Client: i, Attempted: len(as), LongestGap: longestGap(as, started, stopped)}
		for _, a := range as {
			if a.err == nil {
				cj.Acked++
				lat = append(lat, float64(a.end.Sub(a.start).Microseconds())/1000)
			} else {
				cj.Failed++
				msg := a.err.Error()
				if errors.Is(a.err, context.DeadlineExceeded) {
					msg = "context deadline exceeded"
				}
				res.Errors[msg]++
			}
		}
		res.Attempted += cj.Attempted
		res.Acked += cj.Acked
		res.Failed += cj.Failed
		res.Clients = append(res.Clients, cj)
		all = append(all, as...)
	}
	res.LongestGap = longestGap(all, started, stopped)
	res.FailureWindows = failureWindows(all, started)
	res.RatePerS = round(float64(res.Attempted)/stopped.Sub(started).Seconds(), 1)
	if len(lat) > 0 {
		sort.Float64s(lat)
		pick := func(p float64) float64 { return round(lat[int(p*float64(len(lat)-1))], 2) }
		res.LatencyMs = map[string]float64{"p50": pick(0.5), "p99": pick(0.99), "max": pick(1)}
	}
	return res
}

// failureWindows: the seconds since start in which a write that failed had
// started, merged when adjacent, with the failed and acked writes started in each.
func failureWindows(as []attempt, started time.Time) []windowJSON {
	failed, acked := map[int64]int{}, map[int64]int{}
	for _, a := range as {
		s := int64(a.start.Sub(started) / time.Second)
		if a.err != nil {
			failed[s]++
		} else {
			acked[s]++
		}
	}
	var secs []int64
	for s := range failed {
		secs = append(secs, s)
	}
	sort.Slice(secs, func(i, j int) bool { return secs[i] < secs[j] })
	out := []windowJSON{}
	for _, s := range secs {
		at := started.Add(time.Duration(s) * time.Second).UnixMilli()
		if n := len(out); n > 0 && out[n-1].ToMs == at {
			out[n-1].ToMs = at + 1000
			out[n-1].Failed += failed[s]
			out[n-1].Acked += acked[s]
			continue
		}
		out = append(out, windowJSON{FromMs: at, ToMs: at + 1000, Failed: failed[s], Acked: acked[s]})
	}
	return out
}

func round(v float64, digits int) float64 {
	f := 1.0
	for range digits {
		f *= 10
	}
	return float64(int64(v*f+0.5)) / f
}
