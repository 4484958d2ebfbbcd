//! The page's components, one per file. Each renders the data in its props and reports what the
//! user did through callbacks; none runs the simulator.

pub mod app;
pub mod board;
pub mod chip_list;
pub mod clock;
pub mod compare_summary;
pub mod compare_view;
pub mod compare_with;
pub mod controls;
pub mod downloads;
pub mod editor;
pub mod embed_bar;
pub mod event_log;
pub mod explain;
pub mod g_chip;
pub mod goroutine_panel;
pub mod header_bar;
pub mod help;
pub mod interventions;
pub mod lesson_gallery;
pub mod lesson_panel;
pub mod line_plot;
pub mod m_list;
pub mod merged_timeline;
pub mod move_arrows;
pub mod notice_bar;
pub mod p_card;
pub mod plot_lines;
pub mod predict_panel;
pub mod seek_bar;
pub mod share;
pub mod threads_view;
pub mod timeline;
pub mod timeline_rows;
pub mod waiting;
