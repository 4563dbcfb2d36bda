package server

import (
	"errors"
	"net/http"
	"time"

	"nordbid/internal/notice"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

var openrtbVersion = []string{"2.6"}

// handleBid serves POST /openrtb2/bid and /openrtb2/bid/{exchange}.
func (s *Server) handleBid(w http.ResponseWriter, r *http.Request) {
	arrival := time.Now()
	exchange := r.PathValue("exchange")
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = []string{"POST"}
		writeError(w, http.StatusMethodNotAllowed, "method: bid requests are POSTed")
		return
	}
	wk := s.works.Get().(*work)
	defer s.works.Put(wk)

	body, err := wk.body.read(r, s.opt.MaxBody, s.opt.MaxDecompressed)
	if err != nil {
		var be *bodyError
		errors.As(err, &be)
		s.opt.Metrics.Request(exchange, telemetry.ResultInvalid)
		writeError(w, be.status, be.msg)
		return
	}
	ans := s.opt.Bidder.Bid(wk.bw, exchange, body, arrival)
	s.opt.Metrics.Request(exchange, ans.Result)
	h := w.Header()
	h["X-Openrtb-Version"] = openrtbVersion
	if ans.Status == http.StatusNoContent {
		// The reason helps exchanges' and operators' debugging; it is one
		// of a fixed set of short names.
		h["X-Nobid-Reason"] = s.reasonHeader(ans.Reason)
		w.WriteHeader(http.StatusNoContent)
	} else {
		writeJSON(w, ans.Status, ans.Body)
	}
	s.opt.Metrics.Duration(time.Since(arrival).Seconds())
}

// gif is a transparent 1x1 image: impression notices are often pixels.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04" +
	"\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// handleNotice serves GET /notice/{kind}.
func (s *Server) handleNotice(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header()["Allow"] = []string{"GET, POST"}
		writeError(w, http.StatusMethodNotAllowed, "method: notices are GET requests")
		return
	}
	kind := store.NoticeKind(r.PathValue("kind"))
	switch kind {
	case store.NoticeWin, store.NoticeBill, store.NoticeLoss, store.NoticeImp,
		store.NoticeClick:
	default:
		writeError(w, http.StatusNotFound, "kind: unknown notice "+quote(string(kind)))
		return
	}
	q := r.URL.Query()
	out, err := s.opt.Notices.Handle(r.Context(), kind, q.Get("t"), q.Get("p"), q.Get("r"))
	if err != nil {
		var ne *notice.Error
		if errors.As(err, &ne) {
			s.opt.Metrics.Notice(string(kind), "rejected")
			writeError(w, ne.Status, ne.Msg)
			return
		}
		s.opt.Metrics.Notice(string(kind), "error")
		s.opt.Logger.Error("notice", "kind", kind, "err", err)
		writeError(w, http.StatusServiceUnavailable, "store unavailable; retry later")
		return
	}
	s.opt.Metrics.Notice(string(kind), string(out))
	if kind == store.NoticeImp {
		w.Header()["Content-Type"] = []string{"image/gif"}
		w.Header()["Cache-Control"] = []string{"no-store"}
		w.Write(gif)
		return
	}
	writeJSON(w, http.StatusOK, []byte(`{"status":"`+string(out)+`"}`))
}

// reasonHeader returns a shared header value for a no-bid reason, so that
// answering 204 allocates nothing.
func (s *Server) reasonHeader(reason string) []string {
	if v, ok := s.reasons[reason]; ok {
		return v
	}
	return s.reasons["other"]
}
