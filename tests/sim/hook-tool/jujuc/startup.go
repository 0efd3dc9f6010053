package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// started is when this process began (its fork), on the monotonic clock: the
// tool-timing line reports the whole call, exec and Go's runtime init included,
// as the Node client did with performance.timeOrigin.
var started = time.Now().Add(-processAge())

func sinceStart() time.Duration { return time.Since(started) }

// userHz is the unit of /proc/<pid>/stat times (USER_HZ, 100 on every Linux ABI).
const userHz = 100

// processAge is how long the process has lived, from two lower bounds, the larger one:
// the main thread's time on or waiting for a CPU since fork (/proc/self/schedstat, in ns,
// short only by time it slept, which start-up barely does), and the age from the start
// time in /proc/self/stat (exact to 1/USER_HZ, too coarse alone for a 2 ms call).
func processAge() time.Duration {
	return max(scheduledSinceFork(), ageFromStartTime(), 0)
}

func scheduledSinceFork() time.Duration {
	data, err := os.ReadFile("/proc/self/schedstat")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0
	}
	run, err1 := strconv.ParseInt(fields[0], 10, 64)
	wait, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(run + wait)
}

func ageFromStartTime() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Field 22 (starttime, in ticks since boot); fields count from after "(comm)", which may hold spaces.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) < 20 {
		return 0
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return 0
	}
	var now syscall.Timespec
	const clockBoottime = 7 // CLOCK_BOOTTIME: the clock starttime counts on
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockBoottime, uintptr(unsafe.Pointer(&now)), 0); errno != 0 {
		return 0
	}
	// The start lies within the tick it was rounded down to: count from the tick's end.
	return time.Duration(now.Nano()) - time.Duration(ticks+1)*(time.Second/userHz)
}
