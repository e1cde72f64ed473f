-- Economic indicators: one figure per indicator and month (SQLite dialect). Amounts are whole
-- hundredths of the unit (亿元 × 100): exact, and an integer on both backends.

CREATE TABLE indicator_figures (
    id INTEGER PRIMARY KEY,
    indicator TEXT NOT NULL CONSTRAINT ck_indicator_figures_indicator CHECK (indicator IN ('industrial_added_value', 'import_export', 'exports', 'retail_sales', 'fixed_investment')),
    month TEXT NOT NULL CONSTRAINT ck_indicator_figures_month CHECK (length(month) = 7 AND month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]' AND substr(month, 6, 2) BETWEEN '01' AND '12'),
    value INTEGER NOT NULL CONSTRAINT ck_indicator_figures_value CHECK (value >= 0),
    target INTEGER CONSTRAINT ck_indicator_figures_target CHECK (target IS NULL OR target >= 0),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_indicator_figures_month UNIQUE (indicator, month)
);
