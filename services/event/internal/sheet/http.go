package sheet

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// Send answers the request with t as a CSV or XLSX file (format "csv" or "xlsx") named name; any
// other format is Invalid.
func Send(c *gin.Context, t Table, format, name string) {
	var (
		data []byte
		err  error
		ct   string
	)
	switch format {
	case "csv":
		ct = "text/csv; charset=utf-8"
		data, err = t.CSV()
	case "xlsx":
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		data, err = t.XLSX()
	default:
		httpx.RespondError(c, apperr.InvalidField("format", apperr.OneOf, apperr.OrOf("json", "csv", "xlsx")))
		return
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// The headers are in the caller's language.
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	c.Data(http.StatusOK, ct, data)
}
