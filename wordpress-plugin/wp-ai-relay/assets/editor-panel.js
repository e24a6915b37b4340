/**
 * "AI summary" panel in the block editor's document sidebar. Plain script on WordPress's globals: no build step.
 * The summary is editable: a change makes it the editor's (the plugin records who and when, and the relay no longer
 * overwrites it), and "Hand back to the AI" returns it. Both are saved with the post.
 */
( function ( wp ) {
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var sprintf = wp.i18n.sprintf;
	// wp.editor has it since WordPress 6.6, where wp.editPost's became a deprecated alias; 6.1 to 6.5 have only that one.
	var PluginDocumentSettingPanel =
		( wp.editor && wp.editor.PluginDocumentSettingPanel ) || wp.editPost.PluginDocumentSettingPanel;

	function Owner( props ) {
		var user = wp.data.useSelect(
			function ( select ) {
				return select( 'core' ).getUser( props.userId );
			},
			[ props.userId ]
		);
		var name = user ? user.name : '#' + props.userId;
		var when = props.editedAt ? new Date( props.editedAt * 1000 ).toLocaleString() : '';
		return el(
			'div',
			{ className: 'ai-relay-summary-owner' },
			el(
				'p',
				{ className: 'description' },
				/* translators: 1: user's name, 2: date and time */
				sprintf( __( 'Written by %1$s, %2$s. The AI leaves it as it is.', 'wp-ai-relay' ), name, when )
			),
			el(
				wp.components.Button,
				{ variant: 'secondary', onClick: props.onHandBack },
				__( 'Hand back to the AI', 'wp-ai-relay' )
			)
		);
	}

	function SummaryPanel() {
		var meta = wp.data.useSelect( function ( select ) {
			return select( 'core/editor' ).getEditedPostAttribute( 'meta' ) || {};
		}, [] );
		var editPost = wp.data.useDispatch( 'core/editor' ).editPost;
		var summary = meta.ai_relay_summary || '';
		var run = meta.ai_relay_summary_run || '';
		var editorId = meta.ai_relay_summary_editor || 0;
		return el(
			PluginDocumentSettingPanel,
			{ name: 'ai-relay-summary', title: __( 'AI summary', 'wp-ai-relay' ) },
			el( wp.components.TextareaControl, {
				label: __( 'Summary', 'wp-ai-relay' ),
				help: summary ? '' : __( 'No summary yet. One is written after the post is published.', 'wp-ai-relay' ),
				value: summary,
				rows: 5,
				// The margin WordPress 6.7 and later use, without the deprecation notice; older versions ignore it.
				__nextHasNoMarginBottom: true,
				onChange: function ( value ) {
					editPost( { meta: { ai_relay_summary: value } } );
				},
			} ),
			editorId
				? el( Owner, {
						userId: editorId,
						editedAt: meta.ai_relay_summary_edited_at,
						onHandBack: function () {
							editPost( { meta: { ai_relay_summary_editor: 0 } } );
						},
				  } )
				: run && el( 'p', { className: 'description' }, __( 'Run:', 'wp-ai-relay' ) + ' ', el( 'code', null, run ) )
		);
	}

	wp.plugins.registerPlugin( 'ai-relay-summary', { render: SummaryPanel, icon: null } );
} )( window.wp );
