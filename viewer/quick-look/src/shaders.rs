//! The quick look's GLSL: Bevy's standard material under the viewer's studio
//! light, the same formulas as the poster renderer
//! (`vitrine_pipeline::poster`), so the three pictures agree.

pub const VERTEX: &str = r#"#version 300 es
uniform mat4 u_view_projection;
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_uv;
out vec3 v_position;
out vec3 v_normal;
out vec2 v_uv;
void main() {
    v_position = a_position;
    v_normal = a_normal;
    v_uv = a_uv;
    gl_Position = u_view_projection * vec4(a_position, 1.0);
}
"#;

/// `STUDIO_ROWS` and `STUDIO_WIDTH` are the studio table's shape
/// (`Studio::exposed_rgba_rows`): row 0 irradiance, then the specular levels.
pub const FRAGMENT: &str = r#"#version 300 es
precision highp float;
const float PI = 3.14159265;
const float STUDIO_WIDTH = 129.0;
const float STUDIO_ROWS = 8.0;
uniform vec3 u_eye;
uniform vec4 u_base_color;
uniform float u_metallic;
uniform float u_roughness;
uniform vec3 u_emissive;
// 0 opaque, 1 mask, 2 blend.
uniform int u_alpha_mode;
uniform float u_alpha_cutoff;
uniform bool u_unlit;
uniform bool u_has_base_texture;
uniform bool u_has_metallic_roughness_texture;
uniform bool u_has_emissive_texture;
uniform sampler2D u_base_texture;
uniform sampler2D u_metallic_roughness_texture;
uniform sampler2D u_emissive_texture;
uniform sampler2D u_studio;
// KHR_texture_transform of each texture.
uniform mat3 u_base_uv;
uniform mat3 u_metallic_roughness_uv;
uniform mat3 u_emissive_uv;
uniform vec3 u_lamp_direction[2];
uniform vec3 u_lamp_color[2];
in vec3 v_position;
in vec3 v_normal;
in vec2 v_uv;
out vec4 o_color;

vec3 studio(float row, float y) {
    float u = ((clamp(y, -1.0, 1.0) + 1.0) * 0.5 * (STUDIO_WIDTH - 1.0) + 0.5) / STUDIO_WIDTH;
    return texture(u_studio, vec2(u, (row + 0.5) / STUDIO_ROWS)).rgb;
}

vec2 f_ab(float perceptual, float nov) {
    vec4 r = perceptual * vec4(-1.0, -0.0275, -0.572, 0.022) + vec4(1.0, 0.0425, 1.04, -0.04);
    float a004 = min(r.x * r.x, exp2(-9.28 * nov)) * r.x + r.y;
    return vec2(-1.04 * a004 + r.z, 1.04 * a004 + r.w);
}

float d_ggx(float roughness, float noh) {
    float one_minus = 1.0 - noh * noh;
    float a = noh * roughness;
    float k = roughness / (one_minus + a * a);
    return k * k / PI;
}

float v_smith_ggx(float roughness, float nov, float nol) {
    float a2 = roughness * roughness;
    float lambda_v = nol * sqrt((nov - a2 * nov) * nov + a2);
    float lambda_l = nov * sqrt((nol - a2 * nol) * nol + a2);
    return 0.5 / (lambda_v + lambda_l);
}

vec3 fresnel(vec3 f0, float loh) {
    float f90 = clamp(dot(f0, vec3(50.0 * 0.33)), 0.0, 1.0);
    return f0 + (f90 - f0) * pow(1.0 - loh, 5.0);
}

float fd_burley(float roughness, float nov, float nol, float loh) {
    float f90 = 0.5 + 2.0 * roughness * loh * loh;
    float light = 1.0 + (f90 - 1.0) * pow(1.0 - nol, 5.0);
    float view = 1.0 + (f90 - 1.0) * pow(1.0 - nov, 5.0);
    return light * view / PI;
}

// Per channel: single-scattering, multiple-scattering and diffuse energy.
vec3 scatter(float f0, vec2 fab, float ems, float occlusion) {
    float fss_ess = (f0 * fab.x + fab.y) * occlusion;
    float f_avg = f0 + (1.0 - f0) / 21.0;
    float fms_ems = fss_ess * f_avg / (1.0 - ems * f_avg) * ems;
    return vec3(fss_ess, fms_ems, 1.0 - (fss_ess + fms_ems));
}

vec3 environment(vec3 base, float metallic, vec3 diffuse, float perceptual, vec3 n, vec3 v, float nov) {
    vec2 fab = f_ab(perceptual, nov);
    float ems = 1.0 - (fab.x + fab.y);
    vec3 f0 = mix(vec3(0.04), base, metallic);
    float occlusion = clamp(dot(f0, vec3(50.0 * 0.33)), 0.0, 1.0);
    vec3 dielectric = scatter(0.04, fab, ems, occlusion);
    vec3 r = scatter(base.r, fab, ems, occlusion);
    vec3 g = scatter(base.g, fab, ems, occlusion);
    vec3 b = scatter(base.b, fab, ems, occlusion);
    vec3 fss_ess = mix(vec3(dielectric.x), vec3(r.x, g.x, b.x), metallic);
    vec3 fms_ems = mix(vec3(dielectric.y), vec3(r.y, g.y, b.y), metallic);
    vec3 kd = diffuse * dielectric.z;
    vec3 irradiance = studio(0.0, n.y);
    float roughness = perceptual * perceptual;
    vec3 reflected = reflect(-v, n);
    float smoothness = clamp(1.0 - roughness, 0.0, 1.0);
    float bend = smoothness * (sqrt(smoothness) + roughness);
    vec3 direction = normalize(mix(n, reflected, bend));
    vec3 radiance = studio(1.0 + perceptual * (STUDIO_ROWS - 2.0), direction.y);
    return (fms_ems + kd) * irradiance + fss_ess * radiance;
}

// Khronos PBR Neutral, the viewer's tone mapper.
vec3 tone_map(vec3 color) {
    const float START = 0.8 - 0.04;
    const float DESATURATION = 0.15;
    float x = min(color.r, min(color.g, color.b));
    float offset = x < 0.08 ? x - 6.25 * x * x : 0.04;
    color -= offset;
    float peak = max(color.r, max(color.g, color.b));
    if (peak < START) return clamp(color, 0.0, 1.0);
    float d = 1.0 - START;
    float new_peak = 1.0 - d * d / (peak + d - START);
    color *= new_peak / peak;
    float g = 1.0 - 1.0 / (DESATURATION * (peak - new_peak) + 1.0);
    return clamp(mix(color, vec3(new_peak), g), 0.0, 1.0);
}

vec3 to_srgb(vec3 linear) {
    return mix(linear * 12.92, 1.055 * pow(linear, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, linear));
}

void main() {
    vec4 base = u_base_color;
    if (u_has_base_texture) base *= texture(u_base_texture, (u_base_uv * vec3(v_uv, 1.0)).xy);
    if (u_alpha_mode == 1 && base.a < u_alpha_cutoff) discard;
    float alpha = u_alpha_mode == 2 ? clamp(base.a, 0.0, 1.0) : 1.0;
    vec3 light;
    if (u_unlit) {
        light = base.rgb;
    } else {
        float metallic = u_metallic;
        float perceptual = u_roughness;
        if (u_has_metallic_roughness_texture) {
            vec4 texel = texture(u_metallic_roughness_texture, (u_metallic_roughness_uv * vec3(v_uv, 1.0)).xy);
            metallic *= texel.b;
            perceptual *= texel.g;
        }
        metallic = clamp(metallic, 0.0, 1.0);
        perceptual = clamp(perceptual, 0.089, 1.0);
        float roughness = perceptual * perceptual;
        vec3 emissive = u_emissive;
        if (u_has_emissive_texture) emissive *= texture(u_emissive_texture, (u_emissive_uv * vec3(v_uv, 1.0)).xy).rgb;
        vec3 n = normalize(v_normal);
        if (!gl_FrontFacing) n = -n;
        vec3 v = normalize(u_eye - v_position);
        float nov = max(dot(n, v), 1e-4);
        vec3 diffuse = base.rgb * (1.0 - metallic);
        vec3 f0 = mix(vec3(0.04), base.rgb, metallic);
        light = environment(base.rgb, metallic, diffuse, perceptual, n, v, nov);
        for (int i = 0; i < 2; i++) {
            vec3 l = u_lamp_direction[i];
            float nol = dot(n, l);
            if (nol <= 0.0) continue;
            vec3 h = normalize(l + v);
            float noh = clamp(dot(n, h), 0.0, 1.0);
            float loh = clamp(dot(l, h), 0.0, 1.0);
            vec3 specular = fresnel(f0, loh) * d_ggx(roughness, noh) * v_smith_ggx(roughness, nov, nol);
            vec3 lit = diffuse * fd_burley(roughness, nov, nol, loh);
            light += (lit + specular) * u_lamp_color[i] * nol;
        }
        light += emissive;
    }
    o_color = vec4(to_srgb(tone_map(light)), alpha);
}
"#;
