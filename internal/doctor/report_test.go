package doctor

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleResults has one result of each status, with and without a fix.
var sampleResults = []Result{
	{Check: "open_files", Status: Pass, Value: "soft 65536, hard 65536",
		Want: ">= 11024 (10000 connections + 1024)"},
	{Check: "somaxconn", Status: Warn, Value: "4096", Want: ">= 8192",
		Fix: "sysctl -w net.core.somaxconn=8192"},
	{Check: "cpu_steal", Status: Fail, Value: "20.0% over 1s", Want: "< 2%",
		Fix: "move to a dedicated-vCPU plan"},
}

func TestWriteTableGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleResults); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleResults); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []struct {
			Check, Status, Value, Want, Fix string
		}
		Pass, Warn, Fail int
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	if got.Pass != 1 || got.Warn != 1 || got.Fail != 1 || len(got.Results) != 3 {
		t.Fatalf("got %+v, want one of each status", got)
	}
	for i, r := range got.Results {
		want := sampleResults[i]
		if r.Check != want.Check || r.Status != want.Status.String() || r.Fix != want.Fix {
			t.Errorf("result %d: got %+v, want %+v", i, r, want)
		}
	}
}
