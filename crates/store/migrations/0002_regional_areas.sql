-- The regional catalogue of thematic areas: the seven strategic areas of Puglia's
-- V Piano Regionale delle Politiche Sociali 2022-2024 (DGR 353/2022). Reference
-- data, identical on both backends.
INSERT INTO regional_areas (code, plan, position, name) VALUES
    ('pr5-1', 'V Piano Regionale delle Politiche Sociali 2022-2024', 1, 'Il sistema di welfare d''accesso'),
    ('pr5-2', 'V Piano Regionale delle Politiche Sociali 2022-2024', 2, 'Le politiche familiari e la tutela dei minori'),
    ('pr5-3', 'V Piano Regionale delle Politiche Sociali 2022-2024', 3, 'L''invecchiamento attivo'),
    ('pr5-4', 'V Piano Regionale delle Politiche Sociali 2022-2024', 4, 'Le politiche per l''integrazione delle persone con disabilità e la presa in carico della non autosufficienza'),
    ('pr5-5', 'V Piano Regionale delle Politiche Sociali 2022-2024', 5, 'La promozione dell''inclusione sociale ed il contrasto alle povertà'),
    ('pr5-6', 'V Piano Regionale delle Politiche Sociali 2022-2024', 6, 'La prevenzione e contrasto di tutte le forme di maltrattamento e violenza su donne e minori'),
    ('pr5-7', 'V Piano Regionale delle Politiche Sociali 2022-2024', 7, 'Le pari opportunità e la conciliazione vita-lavoro');
