-- Supplies with their stock and movements, meals and special diets (SQLite dialect).
-- Stock never goes below zero: a CHECK, so two people issuing the last boxes at once cannot
-- both succeed.

CREATE TABLE supply_items (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    name TEXT NOT NULL,
    category TEXT NOT NULL CONSTRAINT ck_supply_items_category CHECK (category IN ('ppe', 'disinfectant', 'food', 'medicine', 'other')),
    unit TEXT NOT NULL,
    low_threshold INTEGER NOT NULL CONSTRAINT ck_supply_items_threshold CHECK (low_threshold >= 0),
    stock INTEGER NOT NULL CONSTRAINT ck_supply_items_stock CHECK (stock >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_supply_items_name UNIQUE (station_id, name)
);

CREATE TABLE supply_movements (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES supply_items (id),
    delta INTEGER NOT NULL CONSTRAINT ck_supply_movements_delta CHECK (delta <> 0),
    stock_after INTEGER NOT NULL,
    reason TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_supply_movements_item ON supply_movements (item_id, at);

CREATE TABLE meals (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    day TEXT NOT NULL,
    meal TEXT NOT NULL CONSTRAINT ck_meals_meal CHECK (meal IN ('breakfast', 'lunch', 'dinner')),
    portions INTEGER NOT NULL CONSTRAINT ck_meals_portions CHECK (portions >= 0),
    special INTEGER NOT NULL CONSTRAINT ck_meals_special CHECK (special BETWEEN 0 AND portions),
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT uq_meals_day_meal UNIQUE (station_id, day, meal)
);

CREATE TABLE stay_diets (
    stay_id INTEGER PRIMARY KEY REFERENCES stays (id),
    diet TEXT NOT NULL CONSTRAINT ck_stay_diets_diet CHECK (diet IN ('halal', 'vegetarian', 'diabetic', 'soft', 'allergy', 'other')),
    note TEXT,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
